// The header from C++: it compiles with -std=c++11 -pedantic, its functions link with C linkage,
// and RAII wrappers of the kind a C++ user would write work with valgrind-clean ownership.
#include "hxjwt.h"

#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

namespace {

int passed = 0, failed = 0;

void check(bool ok, const char *what, int line) {
    if (ok) {
        ++passed;
    } else {
        ++failed;
        std::fprintf(stderr, "test_cpp.cpp:%d: CHECK(%s) failed: %s\n", line, what,
                     hx_last_error_message());
    }
}
#define CHECK(c) check((c), #c, __LINE__)

struct Free {
    void operator()(HxIdentity *p) const { hx_identity_free(p); }
    void operator()(HxDirectory *p) const { hx_directory_free(p); }
    void operator()(HxEndpoint *p) const { hx_endpoint_free(p); }
    void operator()(HxMessage *p) const { hx_message_free(p); }
    void operator()(HxKey *p) const { hx_key_free(p); }
    void operator()(HxKeySet *p) const { hx_keyset_free(p); }
    void operator()(HxValidation *p) const { hx_validation_free(p); }
    void operator()(char *p) const { hx_string_free(p); }
};
template <typename T> using Owned = std::unique_ptr<T, Free>;

void ok(HxStatus status) {
    if (status != HX_OK)
        throw std::runtime_error(std::string(hx_status_name(status)) + ": " + hx_last_error_message());
}

Owned<HxIdentity> identity(const char *name) {
    HxIdentity *id = nullptr;
    ok(hx_identity_generate(name, &id));
    return Owned<HxIdentity>(id);
}

std::string machine_token(const HxIdentity *id) {
    char *jwk = nullptr;
    ok(hx_identity_machine_token(id, &jwk));
    Owned<char> owned(jwk);
    return std::string(jwk);
}

}  // namespace

int main() {
    try {
        Owned<HxIdentity> alice = identity("alice"), bob = identity("bob");
        const std::string ja = machine_token(alice.get()), jb = machine_token(bob.get());

        HxDirectory *raw_dir = nullptr;
        ok(hx_directory_new(&raw_dir));
        Owned<HxDirectory> dir(raw_dir);
        ok(hx_directory_add(dir.get(), ja.c_str()));
        ok(hx_directory_add(dir.get(), jb.c_str()));

        HxEndpoint *raw = nullptr;
        ok(hx_endpoint_new(alice.get(), dir.get(), &raw));
        Owned<HxEndpoint> a(raw);
        ok(hx_endpoint_new(bob.get(), dir.get(), &raw));
        Owned<HxEndpoint> b(raw);

        const std::string payload = "{\"from\":\"C++\"}";
        char *token = nullptr;
        ok(hx_create_jwt(a.get(), "bob", nullptr, reinterpret_cast<const uint8_t *>(payload.data()),
                         payload.size(), 60, &token));
        Owned<char> owned_token(token);

        HxMessage *raw_msg = nullptr;
        ok(hx_validate_jwt(b.get(), token, nullptr, &raw_msg));
        Owned<HxMessage> msg(raw_msg);
        size_t len = 0;
        const uint8_t *bytes = hx_message_payload(msg.get(), &len);
        CHECK(std::string(reinterpret_cast<const char *>(bytes), len) == payload);
        CHECK(std::string(hx_message_issuer(msg.get())) == "alice");

        // Enumerators are usable as values of the enum type and as integers.
        HxStatus status = hx_validate_jwt(a.get(), token, nullptr, &raw_msg);
        CHECK(status == HX_ERR_WRONG_AUDIENCE);
        CHECK(std::strcmp(hx_status_name(status), "HX_ERR_WRONG_AUDIENCE") == 0);
        CHECK(static_cast<int>(HX_ERR_EXPIRED) == 108);
        CHECK(std::string(hx_version()).find('.') != std::string::npos);

        // Standard JWTs: sign, verify through a key set, a claim error.
        HxKey *raw_key = nullptr;
        ok(hx_key_generate("ES384", &raw_key));
        Owned<HxKey> key(raw_key);
        HxKeySet *raw_set = nullptr;
        ok(hx_keyset_new(&raw_set));
        Owned<HxKeySet> set(raw_set);
        ok(hx_keyset_add(set.get(), key.get()));
        const char *algorithms[] = {"ES384"};
        HxValidation *raw_v = nullptr;
        ok(hx_validation_new(algorithms, 1, &raw_v));
        Owned<HxValidation> v(raw_v);
        ok(hx_validation_set_time(v.get(), 1767225600));
        char *jwt = nullptr;
        ok(hx_jwt_encode(key.get(), hx_key_algorithm(key.get()), nullptr,
                         "{\"sub\":\"c++\",\"exp\":1767229200}", &jwt));
        Owned<char> owned_jwt(jwt);
        char *claims = nullptr;
        ok(hx_jwt_decode(nullptr, set.get(), jwt, v.get(), &claims));
        Owned<char> owned_claims(claims);
        CHECK(std::string(claims).find("\"sub\":\"c++\"") != std::string::npos);
        ok(hx_validation_set_time(v.get(), 1767229200));
        char *none = nullptr;
        CHECK(hx_jwt_decode(nullptr, set.get(), jwt, v.get(), &none) == HX_ERR_EXPIRED);
        CHECK(none == nullptr && std::string(hx_last_error_claim()) == "exp");
        CHECK(static_cast<int>(HX_ERR_MISSING_CLAIM) == 114);
    } catch (const std::exception &e) {
        ++failed;
        std::fprintf(stderr, "test_cpp.cpp: %s\n", e.what());
    }
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}

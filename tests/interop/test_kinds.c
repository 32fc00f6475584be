/*
 * test_kinds.c: the C interop program names every status by its error kind, as the contract's
 * "error: <Kind>: <message>" lines need: HX_ERR_X_Y is XY, HX_ERR_STORE_UNAVAILABLE (118) is
 * StoreUnavailable even with a library too old to name it, and a value that is no status is
 * Internal. Built with interop.c itself (its main renamed); prints "N passed, N failed".
 */
#define main interop_main
#include "interop.c"
#undef main

int main(void) {
    static const struct {
        unsigned status;
        const char *kind;
    } want[] = {
        {1, "InvalidArgument"},    {100, "Malformed"},         {101, "UnsupportedAlgorithm"},
        {102, "UnknownHeader"},    {103, "WrongAudience"},     {104, "UnknownIssuer"},
        {105, "IssuerMismatch"},   {106, "InvalidKey"},        {107, "InvalidSignature"},
        {108, "Expired"},          {109, "NotYetValid"},       {110, "LifetimeTooLong"},
        {111, "DecryptionFailed"}, {112, "Replayed"},          {113, "ResolverFailed"},
        {114, "MissingClaim"},     {115, "InvalidClaim"},      {116, "KeyNotFound"},
        {117, "Revoked"},          {118, "StoreUnavailable"},  {255, "Internal"},
        {99, "Internal"},          {200, "Internal"},
    };
    char kind[64], tiny[4];
    int passed = 0, failed = 0;
    size_t i;
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        kind_of((HxStatus)want[i].status, kind, sizeof kind);
        if (strcmp(kind, want[i].kind) == 0) {
            passed++;
        } else {
            failed++;
            fprintf(stderr, "status %u: kind \"%s\", expected \"%s\"\n", want[i].status, kind,
                    want[i].kind);
        }
    }
    /* A buffer too small is filled and terminated, never overrun. */
    kind_of(HX_ERR_INVALID_SIGNATURE, tiny, sizeof tiny);
    if (strcmp(tiny, "Inv") == 0) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "a 4-byte buffer got \"%s\"\n", tiny);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}

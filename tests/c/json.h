/*
 * json.h: a small, strict JSON reader for the C tests (test-only, header-only, C99).
 *
 * Parses a whole document into a tree of JsonValue. Strings are decoded to UTF-8 (with their
 * length, as they may hold NUL); integers must fit in int64_t, and numbers with a fraction or an
 * exponent become JSON_REAL (a double); every value remembers its raw text, so that a JWK object
 * can be handed to the library exactly as it appears in the file. Nesting is limited to 64
 * levels. json_equal compares two values as JSON values (member order does not matter).
 */
#ifndef HXTEST_JSON_H
#define HXTEST_JSON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef enum JsonType {
    JSON_NULL,
    JSON_BOOL,
    JSON_INT,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT,
    JSON_REAL
} JsonType;

typedef struct JsonValue {
    JsonType type;
    int boolean;
    int64_t integer;
    double real;           /* JSON_REAL */
    char *string;          /* JSON_STRING: decoded, NUL-terminated (may also contain NUL) */
    size_t string_len;
    size_t count;          /* JSON_ARRAY / JSON_OBJECT: number of items */
    char **keys;           /* JSON_OBJECT: decoded member names */
    struct JsonValue **items;
    const char *raw;       /* the value's text in the source document */
    size_t raw_len;
} JsonValue;

typedef struct JsonParser {
    const char *p, *end;
    int depth;
    int failed;
} JsonParser;

static inline void json_free(JsonValue *v) {
    size_t i;
    if (v == NULL) return;
    for (i = 0; i < v->count; i++) {
        if (v->keys) free(v->keys[i]);
        json_free(v->items[i]);
    }
    free(v->keys);
    free(v->items);
    free(v->string);
    free(v);
}

static inline void json_skip_ws(JsonParser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static inline int json_hex4(const char *s, unsigned *out) {
    unsigned v = 0;
    int i;
    for (i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return 0;
    }
    *out = v;
    return 1;
}

/* Parses a string at ps->p (which is at the opening quote) into a new buffer. */
static inline char *json_parse_string(JsonParser *ps, size_t *out_len) {
    const char *start = ++ps->p;
    char *out, *w;
    /* The decoded string is never longer than its source. */
    while (ps->p < ps->end && *ps->p != '"') {
        if (*ps->p == '\\') ps->p++;
        ps->p++;
    }
    if (ps->p >= ps->end) return NULL;
    out = (char *)malloc((size_t)(ps->p - start) + 1);
    if (out == NULL) return NULL;
    w = out;
    ps->p = start;
    while (*ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p++;
        if (c < 0x20) goto fail;
        if (c != '\\') {
            *w++ = (char)c;
            continue;
        }
        c = (unsigned char)*ps->p++;
        switch (c) {
        case '"': *w++ = '"'; break;
        case '\\': *w++ = '\\'; break;
        case '/': *w++ = '/'; break;
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'n': *w++ = '\n'; break;
        case 'r': *w++ = '\r'; break;
        case 't': *w++ = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (ps->end - ps->p < 4 || !json_hex4(ps->p, &cp)) goto fail;
            ps->p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' ||
                    !json_hex4(ps->p + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                    goto fail;
                ps->p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                goto fail;
            }
            if (cp < 0x80) {
                *w++ = (char)cp;
            } else if (cp < 0x800) {
                *w++ = (char)(0xC0 | (cp >> 6));
                *w++ = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                *w++ = (char)(0xE0 | (cp >> 12));
                *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *w++ = (char)(0x80 | (cp & 0x3F));
            } else {
                *w++ = (char)(0xF0 | (cp >> 18));
                *w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
                *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *w++ = (char)(0x80 | (cp & 0x3F));
            }
            break;
        }
        default:
            goto fail;
        }
    }
    ps->p++; /* closing quote */
    *w = '\0';
    *out_len = (size_t)(w - out);
    return out;
fail:
    free(out);
    return NULL;
}

static inline JsonValue *json_parse_value(JsonParser *ps);

static inline int json_push(JsonValue *v, char *key, JsonValue *item) {
    JsonValue **items = (JsonValue **)realloc(v->items, (v->count + 1) * sizeof *items);
    if (items == NULL) return 0;
    v->items = items;
    if (v->type == JSON_OBJECT) {
        char **keys = (char **)realloc(v->keys, (v->count + 1) * sizeof *keys);
        if (keys == NULL) return 0;
        v->keys = keys;
        v->keys[v->count] = key;
    }
    v->items[v->count++] = item;
    return 1;
}

static inline JsonValue *json_parse_value(JsonParser *ps) {
    JsonValue *v;
    json_skip_ws(ps);
    if (ps->p >= ps->end || ++ps->depth > 64) return NULL;
    v = (JsonValue *)calloc(1, sizeof *v);
    if (v == NULL) return NULL;
    v->raw = ps->p;
    switch (*ps->p) {
    case '{':
    case '[': {
        char close = *ps->p == '{' ? '}' : ']';
        v->type = *ps->p == '{' ? JSON_OBJECT : JSON_ARRAY;
        ps->p++;
        json_skip_ws(ps);
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            break;
        }
        for (;;) {
            char *key = NULL;
            JsonValue *item;
            size_t key_len;
            json_skip_ws(ps);
            if (v->type == JSON_OBJECT) {
                if (ps->p >= ps->end || *ps->p != '"') goto fail;
                key = json_parse_string(ps, &key_len);
                if (key == NULL) goto fail;
                json_skip_ws(ps);
                if (ps->p >= ps->end || *ps->p != ':') {
                    free(key);
                    goto fail;
                }
                ps->p++;
            }
            item = json_parse_value(ps);
            if (item == NULL || !json_push(v, key, item)) {
                free(key);
                json_free(item);
                goto fail;
            }
            json_skip_ws(ps);
            if (ps->p < ps->end && *ps->p == ',') {
                ps->p++;
                continue;
            }
            if (ps->p < ps->end && *ps->p == close) {
                ps->p++;
                break;
            }
            goto fail;
        }
        break;
    }
    case '"':
        v->type = JSON_STRING;
        v->string = json_parse_string(ps, &v->string_len);
        if (v->string == NULL) goto fail;
        break;
    case 't':
    case 'f':
    case 'n': {
        static const char *const words[] = {"true", "false", "null"};
        int i;
        for (i = 0; i < 3; i++) {
            size_t n = strlen(words[i]);
            if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, words[i], n) == 0) {
                v->type = i == 2 ? JSON_NULL : JSON_BOOL;
                v->boolean = i == 0;
                ps->p += n;
                break;
            }
        }
        if (i == 3) goto fail;
        break;
    }
    default: {
        int negative = 0;
        uint64_t n = 0;
        const char *digits;
        if (*ps->p == '-') {
            negative = 1;
            ps->p++;
        }
        digits = ps->p;
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
            if (n > (UINT64_C(1) << 62)) goto fail;
            n = n * 10 + (uint64_t)(*ps->p++ - '0');
        }
        if (ps->p == digits) goto fail;
        if (ps->p < ps->end && (*ps->p == '.' || *ps->p == 'e' || *ps->p == 'E')) {
            /* A fraction and/or an exponent: checked here, converted by strtod. */
            char text[64];
            size_t len;
            if (*ps->p == '.') {
                const char *frac = ++ps->p;
                while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') ps->p++;
                if (ps->p == frac) goto fail;
            }
            if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
                const char *exp;
                ps->p++;
                if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-')) ps->p++;
                exp = ps->p;
                while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') ps->p++;
                if (ps->p == exp) goto fail;
            }
            len = (size_t)(ps->p - v->raw);
            if (len >= sizeof text) goto fail;
            memcpy(text, v->raw, len);
            text[len] = '\0';
            v->type = JSON_REAL;
            v->real = strtod(text, NULL);
            break;
        }
        v->type = JSON_INT;
        v->integer = negative ? -(int64_t)n : (int64_t)n;
        break;
    }
    }
    v->raw_len = (size_t)(ps->p - v->raw);
    ps->depth--;
    return v;
fail:
    json_free(v);
    return NULL;
}

/* Parses a whole document; NULL when it is not valid JSON (as far as this reader goes). */
static inline JsonValue *json_parse(const char *text, size_t len) {
    JsonParser ps;
    JsonValue *v;
    ps.p = text;
    ps.end = text + len;
    ps.depth = 0;
    ps.failed = 0;
    v = json_parse_value(&ps);
    if (v == NULL) return NULL;
    json_skip_ws(&ps);
    if (ps.p != ps.end) {
        json_free(v);
        return NULL;
    }
    return v;
}

/* The member `key` of an object, or NULL. */
static inline const JsonValue *json_get(const JsonValue *obj, const char *key) {
    size_t i;
    if (obj == NULL || obj->type != JSON_OBJECT) return NULL;
    for (i = 0; i < obj->count; i++)
        if (strcmp(obj->keys[i], key) == 0) return obj->items[i];
    return NULL;
}

/* The string member `key`, or NULL. */
static inline const char *json_get_string(const JsonValue *obj, const char *key) {
    const JsonValue *v = json_get(obj, key);
    return v && v->type == JSON_STRING ? v->string : NULL;
}

/* The integer member `key` into *out; 0 when absent or not an integer. */
static inline int json_get_int(const JsonValue *obj, const char *key, int64_t *out) {
    const JsonValue *v = json_get(obj, key);
    if (v == NULL || v->type != JSON_INT) return 0;
    *out = v->integer;
    return 1;
}

/* A new malloc()ed NUL-terminated copy of a value's raw JSON text. */
static inline char *json_raw(const JsonValue *v) {
    char *s = (char *)malloc(v->raw_len + 1);
    if (s == NULL) return NULL;
    memcpy(s, v->raw, v->raw_len);
    s[v->raw_len] = '\0';
    return s;
}

/* Whether a and b are equal JSON values: objects regardless of member order, numbers by value
 * (an integer equals a real of the same value). */
static inline int json_equal(const JsonValue *a, const JsonValue *b) {
    size_t i;
    if (a == NULL || b == NULL) return a == b;
    if ((a->type == JSON_INT || a->type == JSON_REAL) && (b->type == JSON_INT || b->type == JSON_REAL)) {
        if (a->type == JSON_INT && b->type == JSON_INT) return a->integer == b->integer;
        return (a->type == JSON_INT ? (double)a->integer : a->real) ==
               (b->type == JSON_INT ? (double)b->integer : b->real);
    }
    if (a->type != b->type) return 0;
    switch (a->type) {
    case JSON_NULL: return 1;
    case JSON_BOOL: return a->boolean == b->boolean;
    case JSON_STRING:
        return a->string_len == b->string_len && memcmp(a->string, b->string, a->string_len) == 0;
    case JSON_ARRAY:
        if (a->count != b->count) return 0;
        for (i = 0; i < a->count; i++)
            if (!json_equal(a->items[i], b->items[i])) return 0;
        return 1;
    case JSON_OBJECT:
        if (a->count != b->count) return 0;
        for (i = 0; i < a->count; i++)
            if (!json_equal(a->items[i], json_get(b, a->keys[i]))) return 0;
        return 1;
    default: return 0;
    }
}

#endif /* HXTEST_JSON_H */

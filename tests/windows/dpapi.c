/* Test scaffolding, never shipped: protects or unprotects a file with DPAPI exactly as the Azure
 * CLI's msal-extensions does (WindowsDataProtectionAgent: no entropy, CRYPTPROTECT_UI_FORBIDDEN,
 * description "python_data"), so the tests check azlogin.exe's .bin files against what az would
 * read and write, not against azlogin's own code.
 *
 *   dpapi.exe protect   IN OUT    plaintext -> DPAPI blob
 *   dpapi.exe unprotect IN OUT    DPAPI blob -> plaintext (exit 3 if it does not decrypt)
 */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static BYTE *read_all(const char *path, DWORD *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    BYTE *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    *len = (DWORD)n;
    return buf;
}

static int write_all(const char *path, const BYTE *data, DWORD len) {
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    int ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

int main(int argc, char **argv) {
    if (argc != 4 || (strcmp(argv[1], "protect") != 0 && strcmp(argv[1], "unprotect") != 0)) {
        fprintf(stderr, "usage: dpapi.exe protect|unprotect IN OUT\n");
        return 2;
    }
    DATA_BLOB in, out;
    in.pbData = read_all(argv[2], &in.cbData);
    if (!in.pbData) {
        fprintf(stderr, "dpapi: cannot read %s\n", argv[2]);
        return 2;
    }
    BOOL ok = strcmp(argv[1], "protect") == 0
        ? CryptProtectData(&in, L"python_data", NULL, NULL, NULL, CRYPTPROTECT_UI_FORBIDDEN, &out)
        : CryptUnprotectData(&in, NULL, NULL, NULL, NULL, CRYPTPROTECT_UI_FORBIDDEN, &out);
    if (!ok) {
        fprintf(stderr, "dpapi: %s failed: error %lu\n", argv[1], GetLastError());
        return 3;
    }
    if (!write_all(argv[3], out.pbData, out.cbData)) {
        fprintf(stderr, "dpapi: cannot write %s\n", argv[3]);
        return 2;
    }
    LocalFree(out.pbData);
    return 0;
}

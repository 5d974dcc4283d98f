/* Test scaffolding, never shipped: the Windows stand-in for the browser of the browser-login
 * tests (tests/common/browser.rs), which on Unix is a shell script. Started as `$BROWSER URL`, it
 * writes URL to the file beside itself named like it with ".url" for ".exe" (through a temporary
 * file and a rename, so the test never reads half of it). scripts/windows.sh builds it. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    char path[MAX_PATH], temp[MAX_PATH + 4];
    DWORD n = GetModuleFileNameA(NULL, path, MAX_PATH);
    if (argc != 2 || n < 4 || n >= MAX_PATH) return 2;
    strcpy(path + n - 4, ".url");
    snprintf(temp, sizeof temp, "%s.tmp", path);
    FILE *f = fopen(temp, "wb");
    if (!f) return 2;
    size_t len = strlen(argv[1]);
    int ok = fwrite(argv[1], 1, len, f) == len;
    if (fclose(f) != 0 || !ok) return 2;
    return MoveFileExA(temp, path, MOVEFILE_REPLACE_EXISTING) ? 0 : 2;
}

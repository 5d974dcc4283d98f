/* Test scaffolding, never shipped: Wine 8 has no ProcessPrng in bcryptprimitives.dll, and the
 * standard library of Rust >= 1.78 calls it for randomness, so every Rust .exe would exit with
 * code 53 under Wine. scripts/windows.sh builds this DLL into the test WINEPREFIX's system32. */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}

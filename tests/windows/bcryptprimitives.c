/* Wine 8 (Debian 12) has no bcryptprimitives.dll, whose ProcessPrng Rust's std on Windows
 * imports for random bytes (Windows 10 and later ship it). For the wine test only, this
 * stand-in beside witk.exe answers with RtlGenRandom (advapi32's SystemFunction036). */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG n = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!RtlGenRandom(data, n)) return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}

/* A stand-in for Windows' bcryptprimitives.dll, which Wine 8.0 lacks; ONLY for the Wine prefix of the Windows build
 * toolchain (packaging/windows/toolchain.sh), never shipped: every Windows version the program supports has the real
 * one. cryptography's Rust extension imports ProcessPrng from it; this forwards to RtlGenRandom (SystemFunction036 in
 * advapi32), Wine's real CSPRNG, in chunks that fit its ULONG length. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000u ? 0x40000000u : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}

// examples/armv7/aeabi.cpp: the memory helpers of the ARM run-time ABI ("Run-time ABI for the Arm
// Architecture", IHI 0043, 4.3.4) that clang calls on armv7a-none-eabi. There is no compiler-rt
// for bare-metal ARM on Debian; these forward to the kernel's memcpy/memmove/memset.
#include <cstddef>
#include <cstring>

extern "C" {

void __aeabi_memcpy(void* d, const void* s, std::size_t n) { memcpy(d, s, n); }
void __aeabi_memcpy4(void* d, const void* s, std::size_t n) { memcpy(d, s, n); }
void __aeabi_memcpy8(void* d, const void* s, std::size_t n) { memcpy(d, s, n); }
void __aeabi_memmove(void* d, const void* s, std::size_t n) { memmove(d, s, n); }
void __aeabi_memmove4(void* d, const void* s, std::size_t n) { memmove(d, s, n); }
void __aeabi_memmove8(void* d, const void* s, std::size_t n) { memmove(d, s, n); }
// Note the argument order: (dest, n, c).
void __aeabi_memset(void* d, std::size_t n, int c) { memset(d, c, n); }
void __aeabi_memset4(void* d, std::size_t n, int c) { memset(d, c, n); }
void __aeabi_memset8(void* d, std::size_t n, int c) { memset(d, c, n); }
void __aeabi_memclr(void* d, std::size_t n) { memset(d, 0, n); }
void __aeabi_memclr4(void* d, std::size_t n) { memset(d, 0, n); }
void __aeabi_memclr8(void* d, std::size_t n) { memset(d, 0, n); }

}  // extern "C"

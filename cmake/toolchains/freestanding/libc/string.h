/* The C library of a freestanding kernel, as far as libc++'s headers need it.
 *
 * clang and gcc require a freestanding environment to provide memcpy, memmove, memset and
 * memcmp (they emit calls to them), so every kernel defines these four (the ptgen kernels do in
 * examples/common/libc.cpp). libc++'s <cstring> declares std::memcpy and friends only for the
 * functions found here (its using-declarations are `using_if_exists`), and <memory> and
 * <atomic> use std::memcpy and std::memcmp. */
#ifndef PTGEN_FREESTANDING_STRING_H
#define PTGEN_FREESTANDING_STRING_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void* memcpy(void* __restrict dst, const void* __restrict src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* PTGEN_FREESTANDING_STRING_H */

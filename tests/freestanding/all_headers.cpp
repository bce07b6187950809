// Every ptgen header compiles freestanding: -ffreestanding -fno-exceptions
// -fno-rtti, no sanitizers, warnings as errors (tests/CMakeLists.txt).
// This is how a kernel includes ptgen.
#include <ptgen/ptgen.hpp>

#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#error "the freestanding check must be built with -fno-exceptions"
#endif
#if defined(__cpp_rtti) || defined(__GXX_RTTI)
#error "the freestanding check must be built with -fno-rtti"
#endif
#if !defined(__STDC_HOSTED__) || __STDC_HOSTED__ != 0
#error "the freestanding check must be built with -ffreestanding"
#endif

// Something for the object file to hold, so the TU is not empty.
extern "C" unsigned ptgen_freestanding_check() { return unsigned(ptgen::rwx); }

// One libFuzzer target per format: PTGEN_FUZZ_FORMAT names the format (set by
// tests/fuzz/CMakeLists.txt). See harness.hpp for what every input is checked for.
#include <cstddef>
#include <cstdint>

#include <ptgen/all_formats.hpp>

#include "harness.hpp"

#ifndef PTGEN_FUZZ_FORMAT
#error "define PTGEN_FUZZ_FORMAT to a format type, e.g. ptgen::riscv::sv39"
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return ptgen::fuzz::run_one<PTGEN_FUZZ_FORMAT>(data, size);
}

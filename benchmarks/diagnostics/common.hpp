#include <ptgen/boot.hpp>
using namespace ptgen::literals;
using F = ptgen::riscv::sv39;

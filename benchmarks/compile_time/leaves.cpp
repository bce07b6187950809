// One layout of PAGES 4 KiB pages (x86_64, identity, 4 KiB pages only), built by the compiler.
#include <ptgen/boot.hpp>

#ifndef PAGES
#define PAGES 4096
#endif

using namespace ptgen;
constexpr boot::layout<x86_64::long_mode_4level> lay{
    .table_base = 0x20'0000,
    .regions = {boot::identity(0x4000'0000, std::uint64_t(PAGES) * 4096, rw, "ram").small_pages()}};
constexpr auto image = boot::build<lay>();
static_assert(image.bytes > std::uint64_t(PAGES) * 8);

// ptgen/boot/adopt.hpp: run-time page tables that start from boot tables. New tables come
// from the handler; the boot frames are never handed to it.
#pragma once

#include <cstdint>
#include <utility>

#include "../core/handler_memory.hpp"
#include "../core/page_table.hpp"

namespace ptgen::boot {

// A page_table whose root is `root`, inside boot tables at [section_pa, section_pa + bytes).
template <page_table_format F, class Handler, class Tlb = no_tlb>
page_table<F, handler_memory<Handler>, Tlb> adopt(paddr root, paddr section_pa,
                                                  std::uint64_t section_bytes, Handler handler,
                                                  Tlb tlb = Tlb{}) {
    handler_memory<Handler> memory(std::move(handler));
    memory.set_foreign_range(section_pa, section_bytes);
    return page_table<F, handler_memory<Handler>, Tlb>::adopt(root, std::move(memory),
                                                              std::move(tlb));
}

}  // namespace ptgen::boot

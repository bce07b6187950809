// ptgen/core/tlb_policy.hpp: what a TLB policy is (the concept a page_table's third parameter
// meets), and the policy for hosts and compile time: nothing to invalidate.
#pragma once

#include <concepts>

#include "address.hpp"

namespace ptgen {

// A TLB policy invalidates translations after the engine changed entries:
//   flush_page(va)     one translation (a huge page counts as one, by any address inside it)
//   flush_all()        every translation of this address space, and cached table entries
//   break_before_make  true on architectures that require an entry to be invalidated and the
//                      TLB flushed before a valid entry changes its output address or size (Arm)
template <class T>
concept tlb_policy = requires(T& t, vaddr va) {
    t.flush_page(va);
    t.flush_all();
    { T::break_before_make } -> std::convertible_to<bool>;
};

struct no_tlb {
    static constexpr bool break_before_make = false;
    constexpr void flush_page(vaddr) const noexcept {}
    constexpr void flush_all() const noexcept {}
};

}  // namespace ptgen

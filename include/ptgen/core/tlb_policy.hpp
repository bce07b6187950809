// ptgen/core/tlb_policy.hpp: what a TLB policy is (the concept a page_table's third parameter
// meets), what its invalidation reaches, and the policy for hosts and compile time: nothing to
// invalidate.
#pragma once

#include <concepts>
#include <cstddef>

#include "address.hpp"

namespace ptgen {

// A TLB policy invalidates translations after the engine changed entries:
//   flush_page(va)     one translation (a huge page counts as one, by any address inside it)
//   flush_all()        every translation of this address space, and cached table entries
//   break_before_make  true on architectures that require an entry to be invalidated and the
//                      TLB flushed before a valid entry changes its output address or size (Arm)
// Each returns once the invalidation is complete on every CPU it reaches (below).
template <class T>
concept tlb_policy = requires(T& t, vaddr va) {
    t.flush_page(va);
    t.flush_all();
    { T::break_before_make } -> std::convertible_to<bool>;
};

// Which CPUs a policy's invalidation reaches (static constexpr tlb_reach reach; a policy that
// does not say reaches this CPU only).
enum class tlb_reach : unsigned char {
    this_cpu,               // the executing CPU only (invlpg, sfence.vma, invtlb, TLBI VALE1)
    all_cpus_by_hardware,   // broadcast by the hardware (AArch64 TLBI ...IS, ARMv7 TLBIMVAIS)
    all_cpus_by_shootdown,  // the local invalidation plus the kernel's IPIs or SBI fences
    nothing_cached,         // no TLB holds these tables (hosts, compile time, tables not live)
};

template <class T>
inline constexpr tlb_reach reach_of = tlb_reach::this_cpu;
template <class T>
    requires requires { { T::reach } -> std::convertible_to<tlb_reach>; }
inline constexpr tlb_reach reach_of<T> = T::reach;

// Is a policy fit for tables that several CPUs load at once?
template <class T>
inline constexpr bool reaches_every_cpu = reach_of<T> != tlb_reach::this_cpu;

// A policy may take a batch of pages at once: flush_pages(vas, n) (one shootdown for the batch
// instead of one per page). A cursor's flush uses it where it exists.
template <class T>
concept flushes_page_batches = requires(T& t, const vaddr* vas, std::size_t n) { t.flush_pages(vas, n); };

struct no_tlb {
    static constexpr bool break_before_make = false;
    static constexpr tlb_reach reach = tlb_reach::nothing_cached;
    constexpr void flush_page(vaddr) const noexcept {}
    constexpr void flush_all() const noexcept {}
};

}  // namespace ptgen

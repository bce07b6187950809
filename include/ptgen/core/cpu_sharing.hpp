// ptgen/core/cpu_sharing.hpp: how many CPUs load a page_table (its fourth parameter), and the
// grace hook that tells when a table unlinked from it may be freed.
//
// A table unlinked from the tree may still be in use after its entry was cleared: in another
// CPU's TLB or walk cache, by a hardware walk in flight, by a lock-free reader in software (a
// query, a fault handler's walk). The order, as the manuals require (Arm "Using
// break-before-make", Intel SDM Vol. 3A 4.10.5 "Propagation of Paging-Structure Changes to
// Multiple Processors", RISC-V Privileged 4.2.1): clear the entry, barrier, invalidate on every
// CPU that may hold it and wait for completion, wait until the software readers have left, and
// only then free (or reuse) the table. A cursor does it in this order at its flush
// (core/cursor.hpp); the invalidation comes from the TLB policy (core/tlb_policy.hpp), the wait
// for readers from the memory policy:
//   wait_for_readers()                   returns when every reader that may have seen the
//                                        unlinked tables has left (synchronize_rcu, an epoch
//                                        advance); the cursor then frees or reuses them
//   free_table_after_readers(pa, level)  takes the table and frees it once the readers left
//                                        (call_rcu); such tables are never reused by ptgen
// For a handler (core/handler_memory.hpp) these come from its optional members
// wait_for_readers() and dealloc_frames_after_readers(pa, num).
#pragma once

#include "address.hpp"
#include "format.hpp"
#include "tlb_policy.hpp"

namespace ptgen {

template <class M>
concept waits_for_readers = requires(M& m) { m.wait_for_readers(); };

template <class M>
concept frees_after_readers = requires(M& m, paddr pa, const level_geometry& g) {
    m.free_table_after_readers(pa, g);
};

template <class M>
concept has_grace_hook = waits_for_readers<M> || frees_after_readers<M>;

// One CPU at a time loads the table (one address space per CPU, or a uniprocessor): any TLB
// policy serves, and retired tables are freed after the local flush (the memory policy's grace
// hook is still used if it has one).
struct one_cpu {
    static constexpr bool shared = false;
};

// Several CPUs load the table at once (a process's threads on several CPUs, a kernel's shared
// half). The TLB policy must reach every CPU (a hardware broadcast or the kernel's shootdown:
// tlb/shootdown.hpp) and the memory policy must have a grace hook: both are checked when the
// page_table type is made. Changes are still made by one cursor at a time (a lock around the
// calls); query may run on any CPU meanwhile.
struct many_cpus {
    static constexpr bool shared = true;
};

// many_cpus, and ptgen holds `Lock` (lock() / unlock(): the kernel's spinlock or mutex) for
// each cursor's lifetime, from its creation to after its last flush: changes from several CPUs
// serialise without a lock of the caller's (one table-wide lock: changes of disjoint ranges do
// not run in parallel yet). query stays lock-free. A CPU must not open two cursors of one such
// table at once (the second would wait for the first forever).
template <class Lock>
struct many_cpus_with_lock {
    static constexpr bool shared = true;
    using lock_type = Lock;
};

template <class C>
concept cpu_sharing = requires { { C::shared } -> std::convertible_to<bool>; };

// The lock a page_table<..., Cpus> holds for its cursors (none but with many_cpus_with_lock).
struct no_cursor_lock {};
template <class Cpus>
struct cursor_lock_of {
    using type = no_cursor_lock;
};
template <class Cpus>
    requires requires { typename Cpus::lock_type; }
struct cursor_lock_of<Cpus> {
    using type = typename Cpus::lock_type;
};
template <class Cpus>
using cursor_lock_type = typename cursor_lock_of<Cpus>::type;

// The checks a page_table<F, Memory, Tlb, Cpus> makes (one readable error per broken rule).
template <class Memory, class Tlb, class Cpus>
struct cpu_sharing_rules {
    static_assert(!Cpus::shared || reaches_every_cpu<Tlb>,
                  "ptgen::many_cpus: this TLB policy invalidates this CPU only, so another CPU "
                  "would keep stale translations: use a policy that reaches every CPU (AArch64 "
                  "el1_tlb / el2_tlb, arm::tlbimvais_tlb, or shootdown_tlb<local policy, your "
                  "kernel's shootdown> from ptgen/tlb/shootdown.hpp)");
    static_assert(!Cpus::shared || has_grace_hook<Memory>,
                  "ptgen::many_cpus: the memory policy has no grace hook, so a table unlinked "
                  "while another CPU reads it would be freed under that reader: give the handler "
                  "wait_for_readers() or dealloc_frames_after_readers(pa, num) (an empty "
                  "wait_for_readers() says that no CPU reads the tables in software)");
    static constexpr bool checked = true;
};

}  // namespace ptgen

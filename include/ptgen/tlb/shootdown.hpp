// ptgen/tlb/shootdown.hpp: a TLB policy for tables several CPUs load, on architectures whose
// invalidation instructions reach the executing CPU only (x86 INVLPG, RISC-V SFENCE.VMA,
// LoongArch INVTLB): the local policy here, and the kernel's shootdown for every other CPU.
//
// The kernel supplies the remote half (IPIs, SBI remote fences), an object with
//   shootdown_pages(const vaddr* vas, std::size_t n)  every other CPU that may hold the
//                                                     address space invalidates these pages
//   shootdown_all()                                   ... every translation of it
// Each either returns void once every CPU has done it (synchronous), or returns a completion
// whose wait() does: the policy then invalidates locally while the other CPUs work, and waits
// before it returns. Either way flush_page / flush_pages / flush_all return only when the
// invalidation is complete everywhere, which is what a cursor needs before it frees a table
// (core/cpu_sharing.hpp). A cursor's flush hands its batch (up to cursor::flush_batch pages)
// to one shootdown_pages call, or calls shootdown_all.
//
// Ordering: the stores that cleared or changed the entries are made visible to the other CPUs
// before they are asked to invalidate (a full fence: Intel SDM Vol. 3A 4.10.5, and 11.12.3 on
// the fence an x2APIC ICR write needs; RISC-V Privileged 4.2.1: another hart's SFENCE.VMA
// orders only the stores it has seen, hence FENCE RW,RW before the IPI).
#pragma once

#include <atomic>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "../core/address.hpp"
#include "../core/tlb_policy.hpp"

namespace ptgen {

template <class R>
concept tlb_shootdown = requires(R& r, const vaddr* vas, std::size_t n) {
    r.shootdown_pages(vas, n);
    r.shootdown_all();
};

template <tlb_policy Local, tlb_shootdown Remote>
struct shootdown_tlb {
    static constexpr bool break_before_make = Local::break_before_make;
    static constexpr tlb_reach reach = tlb_reach::all_cpus_by_shootdown;

    [[no_unique_address]] Local local{};
    Remote remote{};

    void flush_page(vaddr va) { flush_pages(&va, 1); }
    void flush_pages(const vaddr* vas, std::size_t n) {
        std::atomic_thread_fence(std::memory_order_seq_cst);
        complete([&] { return remote.shootdown_pages(vas, n); },
                 [&] { for (std::size_t k = 0; k < n; ++k) local.flush_page(vas[k]); });
    }
    void flush_all() {
        std::atomic_thread_fence(std::memory_order_seq_cst);
        complete([&] { return remote.shootdown_all(); }, [&] { local.flush_all(); });
    }

private:
    // Starts the remote part, does the local one, and waits for the remote one if it is
    // asynchronous.
    template <class Start, class LocalPart>
    static void complete(Start&& start, LocalPart&& local_part) {
        if constexpr (std::is_void_v<decltype(start())>) {
            start();
            local_part();
        } else {
            auto done = start();
            local_part();
            done.wait();
        }
    }
};

}  // namespace ptgen

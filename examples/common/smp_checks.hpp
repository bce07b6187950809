// examples/common/smp_checks.hpp: the checks of the SMP test kernels (QEMU -smp 4,
// multi-threaded TCG). Every hart maps, protects and unmaps its own pages of one address
// space at once (one cursor at a time, under a lock), reads and writes the other harts' pages
// through their mappings and queries them lock-free, and after each protect and each unmap no
// hart still reaches a page the old way: the TLB policy's invalidation reached every hart
// before the call returned. Tables the unmaps emptied are freed only after it and after the
// readers' grace period (ptgen::reader_epochs). QEMU keeps a translation in each vCPU's TLB
// until that vCPU invalidates it, so a hart the invalidation missed still writes a page made
// read-only, or reads one unmapped: the break-pte build of each kernel invalidates this hart
// only, on purpose, and must fail here.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include <ptgen/boot.hpp>
#include <ptgen/ptgen.hpp>

#include "console.hpp"
#include "frames.hpp"

namespace kernel::smp {

inline constexpr unsigned harts = PTGEN_KERNEL_SMP;
inline constexpr unsigned pages = 8;  // per hart

// What the kernel provides: its hart index (0..harts-1), probes that survive a fault (false:
// it faulted, `fault` says how; built on probe() below), and poll(), the work a hart does
// while it waits (serving other harts' shootdown requests, where the kernel sends them).
unsigned this_hart();
struct fault {
    bool taken;
    std::uint64_t cause;  // the architecture's: scause, ESR_EL1
    std::uint64_t addr;   // stval, FAR_EL1
};
bool load(std::uint64_t va, std::uint64_t& value, fault& f);
bool store(std::uint64_t va, std::uint64_t value, fault& f);
void poll();
// The architecture's causes for a read and a write permission or translation fault.
bool is_read_fault(const fault& f);
bool is_write_fault(const fault& f);

inline constinit fault hart_faults[harts]{};
inline constinit std::atomic<bool> hart_armed[harts]{};

// One access that may fault: the trap handler records it (record_fault) and skips it.
template <class Access>
bool probe(Access&& access, fault& f) {
    const unsigned h = this_hart();
    hart_faults[h] = {};
    hart_armed[h].store(true, std::memory_order_relaxed);
    asm volatile("" ::: "memory");
    access();
    asm volatile("" ::: "memory");
    hart_armed[h].store(false, std::memory_order_relaxed);
    f = hart_faults[h];
    return !f.taken;
}
// The trap handler's half: false when no probe was armed on this hart (an unexpected trap).
inline bool record_fault(std::uint64_t cause, std::uint64_t addr) {
    const unsigned h = this_hart();
    if (!hart_armed[h].load(std::memory_order_relaxed)) return false;
    hart_faults[h] = {true, cause, addr};
    return true;
}

class spinlock {
public:
    void lock() {
        while (held_.exchange(true, std::memory_order_acquire)) poll();
    }
    void unlock() { held_.store(false, std::memory_order_release); }

private:
    std::atomic<bool> held_{false};
};

class barrier {
public:
    void wait() {
        const unsigned phase = phase_.load(std::memory_order_acquire);
        if (count_.fetch_add(1, std::memory_order_acq_rel) + 1 == harts) {
            count_.store(0, std::memory_order_relaxed);
            phase_.store(phase + 1, std::memory_order_release);
        } else {
            while (phase_.load(std::memory_order_acquire) == phase) poll();
        }
    }

private:
    std::atomic<unsigned> count_{0};
    std::atomic<unsigned> phase_{0};
};

using readers = ptgen::reader_epochs<harts>;

// The kernel's frame handler, with the grace hook of a table several harts read.
struct shared_frame_handler : frame_handler {
    readers* epochs;
    void wait_for_readers() {
        epochs->wait([] { poll(); });
    }
};

// What the harts share; `Table` is the kernel's page_table<..., many_cpus>.
template <class Table>
struct shared {
    Table* table = nullptr;
    frame_pool* pool = nullptr;
    readers* epochs = nullptr;
    ptgen::vaddr region = 0;  // hart h's pages: region + h * 2 MiB + k * 4 KiB
    spinlock lock, print_lock;
    barrier sync;
    ptgen::paddr frames[harts][pages]{};
    std::atomic<unsigned> failures{0};

    ptgen::vaddr va(unsigned h, unsigned k) const { return region + h * 0x20'0000ull + k * 0x1000ull; }
    static std::uint64_t signature(unsigned h, unsigned k) { return 0x5350'0000'0000'0000ull | h << 8 | k; }

    void check(bool ok, const char* what, unsigned h, unsigned g, unsigned k) {
        if (ok) return;
        failures.fetch_add(1);
        print_lock.lock();
        println("  FAIL on hart ", h, ": ", what, " (hart ", g, "'s page ", k, ")");
        print_lock.unlock();
    }
    // Lock-free: nothing, or the translation the owner made.
    bool query_is(unsigned g, unsigned k, bool mapped, unsigned self) {
        epochs->enter(self);
        const auto t = table->query(va(g, k));
        epochs->leave(self);
        if (!mapped) return !t && t.err() == ptgen::error::not_mapped;
        return t && t->pa == frames[g][k];
    }
};

// Runs on every hart. Returns true when every check passed.
//   1. concurrent maps of each hart's pages (one cursor at a time, under the lock);
//   2. every hart reads, writes and queries every page (its TLB now holds them all, writable);
//   3. in turn, one hart makes its pages read-only while the others have just written them and
//      invalidate nothing of their own: a write by any of them must then fault;
//   4. concurrent unmaps of half the pages while the others query;
//   5. in turn, one hart unmaps its last pages (their tables empty: reclaimed after the
//      shootdown and the grace period) while the others have just read them: a read must fault.
// (Turns, because QEMU's SFENCE.VMA drops the whole local TLB whatever its operands, so a hart
// that changed its own pages would also drop the stale entries the check looks for.)
template <class Table>
bool run_checks(shared<Table>& s, unsigned h) {
    auto& sync = s.sync;
    fault f{};
    std::uint64_t v = 0;
    s.lock.lock();
    {
        auto c = s.table->cursor();
        for (unsigned k = 0; k < pages; ++k) {
            auto pa = s.pool->alloc(1, 4096);
            s.check(bool(pa), "frame", h, h, k);
            s.frames[h][k] = pa ? *pa : 0;
            s.check(bool(c.map(s.va(h, k), s.frames[h][k], 4096, ptgen::rw)), "map", h, h, k);
        }
    }
    s.lock.unlock();
    for (unsigned k = 0; k < pages; ++k)
        s.check(store(s.va(h, k), s.signature(h, k), f), "write own page", h, h, k);
    sync.wait();
    for (unsigned g = 0; g < harts; ++g)
        for (unsigned k = 0; k < pages; ++k) {
            s.check(load(s.va(g, k), v, f) && v == s.signature(g, k), "read", h, g, k);
            s.check(store(s.va(g, k) + 8 + 8 * h, h, f), "write", h, g, k);
            s.check(s.query_is(g, k, true, h), "query", h, g, k);
        }
    sync.wait();
    for (unsigned g = 0; g < harts; ++g) {
        for (unsigned k = 0; k < pages; ++k) s.check(store(s.va(g, k) + 8 + 8 * h, h, f), "write before protect", h, g, k);
        sync.wait();
        if (h == g) {
            s.lock.lock();
            {
                auto c = s.table->cursor();
                for (unsigned k = 0; k < pages; ++k) s.check(bool(c.protect(s.va(h, k), ptgen::r)), "protect", h, h, k);
            }
            s.lock.unlock();
        }
        sync.wait();
        for (unsigned k = 0; k < pages; ++k) {
            s.check(load(s.va(g, k), v, f) && v == s.signature(g, k), "read after protect", h, g, k);
            s.check(!store(s.va(g, k) + 8, 1, f) && is_write_fault(f) && f.addr == s.va(g, k) + 8,
                    "a write to a page made read-only must fault (stale writable TLB entry?)", h, g, k);
        }
        sync.wait();
    }
    auto unmap_own = [&](unsigned first, unsigned last) {
        s.lock.lock();
        {
            auto c = s.table->cursor();
            for (unsigned k = first; k < last; ++k) {
                auto t = c.unmap(s.va(h, k));
                s.check(t && t->pa == s.frames[h][k], "unmap", h, h, k);
            }
        }  // flushed: every hart invalidated, the readers waited for, emptied tables freed
        for (unsigned k = first; k < last; ++k) s.pool->free(s.frames[h][k], 1);
        s.lock.unlock();
    };
    auto all_fault = [&](unsigned g, unsigned first, unsigned last) {
        for (unsigned k = first; k < last; ++k) {
            s.check(!load(s.va(g, k), v, f) && is_read_fault(f) && f.addr == s.va(g, k),
                    "a read of an unmapped page must fault (stale TLB entry?)", h, g, k);
            s.check(s.query_is(g, k, false, h), "query after unmap", h, g, k);
        }
    };
    for (unsigned round = 0; round < pages / 4; ++round) {  // pages 0 .. pages/2: all at once
        unmap_own(round * 2, round * 2 + 2);
        for (unsigned g = 0; g < harts; ++g)
            for (unsigned k = 0; k < pages; ++k)
                s.check(s.query_is(g, k, true, h) || s.query_is(g, k, false, h), "query during unmaps", h, g, k);
    }
    sync.wait();
    for (unsigned g = 0; g < harts; ++g) all_fault(g, 0, pages / 2);
    sync.wait();
    for (unsigned g = 0; g < harts; ++g) {  // the other half: one hart at a time
        for (unsigned k = pages / 2; k < pages; ++k)
            s.check(load(s.va(g, k), v, f) && v == s.signature(g, k), "read before unmap", h, g, k);
        sync.wait();
        if (h == g) unmap_own(pages / 2, pages);
        sync.wait();
        all_fault(g, pages / 2, pages);
        sync.wait();
    }
    return s.failures.load() == 0;
}

// Runs the checks on every hart; hart 0 then prints the verdict (and `report`'s figures) and
// ends the run, the others serve requests until it does.
template <class Table, class Report>
[[noreturn]] void run_and_exit(shared<Table>& s, unsigned h, Report&& report) {
    const bool ok = run_checks(s, h);
    if (h != 0) {
        for (;;) poll();
    }
    const bool tables_freed = s.pool->live() == 0;  // every table the maps made, back after unmaps
    report();
    println("  grace periods: ", std::uint64_t(s.epochs->grace_periods()),
            ", frames still used: ", std::uint64_t(s.pool->live()));
    const bool pass = ok && tables_freed;
    println(pass ? "ptgen-kernel: PASS" : "ptgen-kernel: FAIL");
    arch::exit(pass, 1);
}

inline constinit frame_pool pool{};
inline constinit readers epochs{};
inline constinit std::atomic<bool> table_ready{false};
template <class Table>
inline constinit shared<Table> state{};

// Every hart's entry once its MMU is on. Hart 0 makes the frame pool of [pool_base, pool_end),
// adopts the boot image as the shared Table (in its own frame, which never returns: the table
// lives for the whole run), calls start_others() (PSCI, where the others wait to be started),
// and all run the checks; hart h's pages lie at region + h * 2 MiB.
template <class Table, class Image, class StartOthers, class Report>
[[noreturn]] void run_hart(unsigned hart, const Image& image, typename Table::tlb_type tlb,
                           ptgen::paddr pool_base, ptgen::paddr pool_end, ptgen::vaddr region,
                           StartOthers&& start_others, Report&& report) {
    auto& s = state<Table>;
    if (hart == 0) {
        pool.init(pool_base, pool_end);
        Table pt = ptgen::boot::adopt_image(image, shared_frame_handler{{&pool}, &epochs}, tlb,
                                            ptgen::many_cpus{});
        s.table = &pt;
        s.pool = &pool;
        s.epochs = &epochs;
        s.region = region;
        table_ready.store(true, std::memory_order_release);
        start_others();
        run_and_exit(s, 0, report);
    }
    while (!table_ready.load(std::memory_order_acquire)) {
    }
    run_and_exit(s, hart, report);
}

}  // namespace kernel::smp

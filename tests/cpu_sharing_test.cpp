// Tables several CPUs load (core/cpu_sharing.hpp, tlb/shootdown.hpp): what each TLB policy
// reaches, the kernel's shootdown driven by a cursor's flush (one call per batch, completed
// before the cursor goes on), and the order a retired table goes through: cleared, invalidated
// everywhere, readers waited for, and only then freed or reused; with a deferred free
// (call_rcu style) never reused by ptgen. The refusals (a local policy, no grace hook) are
// compile_fail tests.
#include <catch2/catch.hpp>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <ptgen/tlb/aarch64.hpp>
#include <ptgen/tlb/arm.hpp>
#include <ptgen/tlb/loongarch64.hpp>
#include <ptgen/tlb/riscv.hpp>
#include <ptgen/tlb/shootdown.hpp>
#include <ptgen/tlb/x86_32.hpp>
#include <ptgen/tlb/x86_64.hpp>

#include "support/formats.hpp"

using namespace ptgen;
using namespace ptgen::test;

// What each policy's invalidation reaches.
static_assert(reach_of<aarch64::el1_tlb> == tlb_reach::all_cpus_by_hardware);
static_assert(reach_of<aarch64::el1_local_tlb> == tlb_reach::this_cpu);
static_assert(reach_of<aarch64::el2_tlb> == tlb_reach::all_cpus_by_hardware);
static_assert(reach_of<aarch64::el2_local_tlb> == tlb_reach::this_cpu);
static_assert(reach_of<arm::tlbimvais_tlb> == tlb_reach::all_cpus_by_hardware);
static_assert(reach_of<arm::tlbimva_tlb> == tlb_reach::this_cpu);
static_assert(reach_of<riscv::sfence_tlb> == tlb_reach::this_cpu);
static_assert(reach_of<riscv::sfence_asid_tlb> == tlb_reach::this_cpu);
static_assert(reach_of<x86_64::invlpg_tlb> == tlb_reach::this_cpu);
static_assert(reach_of<x86_32::invlpg_tlb> == tlb_reach::this_cpu);
static_assert(reach_of<loongarch64::invtlb_tlb> == tlb_reach::this_cpu);
static_assert(reach_of<no_tlb> == tlb_reach::nothing_cached);
namespace {
struct silent_policy {  // says nothing about its reach: taken as this CPU's
    static constexpr bool break_before_make = false;
    void flush_page(vaddr) {}
    void flush_all() {}
};
}  // namespace
static_assert(tlb_policy<silent_policy> && !silent_policy::break_before_make);
static_assert(reach_of<silent_policy> == tlb_reach::this_cpu && !reaches_every_cpu<silent_policy>);
static_assert(reaches_every_cpu<no_tlb> && reaches_every_cpu<aarch64::el1_tlb>);

namespace {

// Everything that happens, in order.
struct event_log {
    std::vector<std::string> events;
    void add(std::string e) { events.push_back(std::move(e)); }
    std::size_t index_of(const std::string& e) const {
        for (std::size_t k = 0; k < events.size(); ++k)
            if (events[k] == e) return k;
        return events.size();
    }
    std::size_t count(const std::string& e) const {
        std::size_t n = 0;
        for (const auto& x : events) n += x == e;
        return n;
    }
};

struct local_policy {  // this CPU's invlpg / sfence.vma
    static constexpr bool break_before_make = false;
    event_log* log;
    void flush_page(vaddr) { log->add("local page"); }
    void flush_all() { log->add("local all"); }
};

// The kernel's IPIs, asynchronous: the other CPUs are done when wait() returns.
struct async_remote {
    event_log* log;
    std::vector<std::vector<vaddr>>* batches;
    struct completion {
        event_log* log;
        void wait() { log->add("remote done"); }
    };
    completion shootdown_pages(const vaddr* vas, std::size_t n) {
        log->add("remote pages");
        batches->emplace_back(vas, vas + n);
        return {log};
    }
    completion shootdown_all() {
        log->add("remote all");
        return {log};
    }
};

// A synchronous one (SBI remote fences: done when the call returns).
struct sync_remote {
    event_log* log;
    void shootdown_pages(const vaddr*, std::size_t) { log->add("remote pages"); }
    void shootdown_all() { log->add("remote all"); }
};

// A handler whose grace period is a wait (synchronize_rcu).
struct waiting_handler : pool_handler {
    event_log* log;
    void dealloc_frame(paddr pa) {
        log->add("free");
        pool->dealloc(pa, 1);
    }
    void wait_for_readers() { log->add("readers left"); }
};

// A handler that takes retired tables and frees them after the grace period (call_rcu).
struct deferring_handler : pool_handler {
    event_log* log;
    std::vector<std::pair<paddr, std::size_t>>* after_grace;
    void dealloc_frames_after_readers(paddr pa, std::size_t n) {
        log->add("free after readers");
        after_grace->emplace_back(pa, n);
    }
};

using F = riscv::sv39;
using sync_tlb = shootdown_tlb<local_policy, sync_remote>;
using waiting_table = page_table<F, handler_memory<waiting_handler>, sync_tlb, many_cpus>;
constexpr vaddr base = 0x10'0000'0000;  // a 1 GiB slot of its own

}  // namespace

TEST_CASE("a shootdown policy gets each flush's pages as one batch and completes it",
          "[smp][tlb]") {
    frame_pool pool(64);
    event_log log;
    std::vector<std::vector<vaddr>> batches;
    using tlb = shootdown_tlb<local_policy, async_remote>;
    using table = page_table<F, handler_memory<waiting_handler>, tlb, many_cpus>;
    static_assert(reach_of<tlb> == tlb_reach::all_cpus_by_shootdown);
    auto pt = table::create(waiting_handler{{{&pool}}, &log}, tlb{{&log}, {&log, &batches}});
    REQUIRE(pt);
    {
        auto c = pt->cursor();
        for (unsigned k = 0; k < 8; ++k) REQUIRE(c.map(base + k * 4096, 0x100'0000 + k * 4096, 4096, rw));
    }
    log.events.clear();
    batches.clear();
    {
        auto c = pt->cursor();
        for (unsigned k = 0; k < 5; ++k) REQUIRE(c.protect(base + k * 4096, ptgen::r));
    }
    REQUIRE(batches.size() == 1);
    CHECK(batches[0] == std::vector<vaddr>{base, base + 4096, base + 2 * 4096, base + 3 * 4096,
                                           base + 4 * 4096});
    // Started, then the local part, then waited for.
    CHECK(log.events == std::vector<std::string>{"remote pages", "local page", "local page", "local page",
                                                 "local page", "local page", "remote done"});
    CHECK(log.count("readers left") == 0);  // nothing retired: no grace period

    log.events.clear();
    {  // more changes than a batch holds: one full shootdown
        auto c = pt->cursor();
        for (unsigned k = 0; k <= cursor<table>::flush_batch; ++k) {
            REQUIRE(c.map(base + (64 + k) * 4096, 0x200'0000, 4096, rw));
            REQUIRE(c.protect(base + (64 + k) * 4096, ptgen::r));
        }
    }
    CHECK(log.events == std::vector<std::string>{"remote all", "local all", "remote done"});
    CHECK(batches.size() == 1);
}

TEST_CASE("a retired table is freed after the invalidation on every CPU and the readers' grace",
          "[smp][tlb]") {
    frame_pool pool(64);
    event_log log;
    auto pt = waiting_table::create(waiting_handler{{{&pool}}, &log}, sync_tlb{{&log}, {&log}});
    REQUIRE(pt);
    const auto root_only = pool.live_frames();
    {
        auto c = pt->cursor();
        REQUIRE(c.map(base, 0x100'0000, 4096, rw));
    }
    REQUIRE(pool.live_frames() == root_only + 2);
    log.events.clear();
    {
        auto c = pt->cursor();
        REQUIRE(c.unmap(base));  // empties two tables, reclaimed at the flush
    }
    CHECK(pool.live_frames() == root_only);
    const auto remote = log.index_of("remote all"), local = log.index_of("local all"),
               readers = log.index_of("readers left"), first_free = log.index_of("free");
    REQUIRE(first_free < log.events.size());
    CHECK(remote < local);
    CHECK(local < readers);
    CHECK(readers < first_free);
    CHECK(log.count("free") == 2);
    CHECK(log.count("readers left") == 1);
    CHECK_FALSE(pt->query(base));
}

TEST_CASE("a table reclaimed empty is reused only after the grace period", "[smp][tlb]") {
    frame_pool pool(64);
    event_log log;
    auto pt = waiting_table::create(waiting_handler{{{&pool}}, &log}, sync_tlb{{&log}, {&log}});
    REQUIRE(pt);
    auto c = pt->cursor();
    REQUIRE(c.map(base, 0x100'0000, 4096, rw));
    c.flush();
    REQUIRE(c.unmap(base));
    log.events.clear();
    // The map's walk finds the emptied tables still linked (reclaim is deferred to the flush):
    // no grace needed, nothing freed.
    REQUIRE(c.map(base, 0x200'0000, 4096, rw));
    CHECK(log.count("readers left") == 0);
    REQUIRE(c.unmap(base));
    c.flush();  // reclaims: invalidation, grace, then the two tables
    CHECK(log.index_of("readers left") < log.index_of("free"));
    CHECK(log.count("free") == 2);
}

TEST_CASE("with a deferred free, retired tables go to the handler and are never reused",
          "[smp][tlb]") {
    frame_pool pool(64);
    event_log log;
    std::vector<std::pair<paddr, std::size_t>> after_grace;
    using tlb = shootdown_tlb<local_policy, async_remote>;
    using table = page_table<F, handler_memory<deferring_handler>, tlb, many_cpus>;
    std::vector<std::vector<vaddr>> batches;
    auto pt = table::create(deferring_handler{{{&pool}}, &log, &after_grace},
                            tlb{{&log}, {&log, &batches}});
    REQUIRE(pt);
    const auto root_only = pool.live_frames();
    auto c = pt->cursor();
    std::vector<paddr> handed;
    for (int round = 0; round < 3; ++round) {
        REQUIRE(c.map(base, 0x100'0000, 4096, rw));
        REQUIRE(c.unmap(base));
        c.flush();  // two tables to the handler, after the completed invalidation
        CHECK(log.index_of("remote done") < log.index_of("free after readers"));
        log.events.clear();
    }
    REQUIRE(after_grace.size() == 6);
    for (std::size_t a = 0; a < after_grace.size(); ++a)  // six distinct tables: none reused
        for (std::size_t b = a + 1; b < after_grace.size(); ++b) CHECK(after_grace[a].first != after_grace[b].first);
    CHECK(pool.live_frames() == root_only + 6);  // still the readers'
    for (auto [pa, n] : after_grace) pool.dealloc(pa, n);  // the grace period ends
    CHECK(pool.live_frames() == root_only);
    CHECK(pool.bad_frees() == 0);
}

TEST_CASE("a one-CPU table uses a handler's grace hook too", "[smp][tlb]") {
    frame_pool pool(64);
    event_log log;
    std::vector<std::pair<paddr, std::size_t>> after_grace;
    using table = page_table<F, handler_memory<deferring_handler>, no_tlb>;  // one_cpu
    static_assert(!table::cpus::shared);
    auto pt = table::create(deferring_handler{{{&pool}}, &log, &after_grace});
    REQUIRE(pt);
    {
        auto c = pt->cursor();
        REQUIRE(c.map(base, 0x100'0000, 4096, rw));
        REQUIRE(c.unmap(base));
    }
    CHECK(after_grace.size() == 2);
    for (auto [pa, n] : after_grace) pool.dealloc(pa, n);
    CHECK(pool.bad_frees() == 0);
}

TEST_CASE("reader_epochs: a grace period waits for the readers inside, not for later ones",
          "[smp][tlb]") {
    reader_epochs<3> epochs;
    epochs.wait();  // nobody inside: returns at once
    CHECK(epochs.grace_periods() == 1);
    epochs.enter(1);
    epochs.enter(2);
    int relaxed = 0;
    epochs.wait([&] {  // returns only once both have left (each relax lets one leave)
        ++relaxed;
        epochs.leave(relaxed == 1 ? 2 : 1);
    });
    CHECK(relaxed == 2);
    epochs.enter(1);
    relaxed = 0;
    epochs.wait([&] {  // slot 2 enters after this grace period began: not waited for
        ++relaxed;
        epochs.enter(2);
        epochs.leave(1);
    });
    CHECK(relaxed == 1);
    epochs.leave(2);
    CHECK(epochs.grace_periods() == 3);
}

TEST_CASE("query_concurrent answers as query, through every memory policy", "[smp][tlb]") {
    constexpr std::size_t bytes = 16 * 4096;
    using arena = static_arena<F, bytes>;  // (its view has no acquire load: plain loads)
    auto pt = page_table<F, arena>::create(arena{0x4000'0000});
    REQUIRE(pt);
    {
        auto c = pt->cursor();
        REQUIRE(c.map(base, 0x100'0000, 4096, rw));
    }
    const auto eng = std::as_const(*pt).engine();
    CHECK(*eng.query_concurrent(base + 0x123) == *eng.query(base + 0x123));
    CHECK(eng.query_concurrent(base + 0x123)->pa == 0x100'0123);
    CHECK(eng.query_concurrent(base + 0x1000).err() == error::not_mapped);
}

namespace {
struct recording_lock {  // the kernel's lock, recorded
    event_log* log = nullptr;
    void lock() { log->add("lock"); }
    void unlock() { log->add("unlock"); }
};
}  // namespace

TEST_CASE("with many_cpus_with_lock a cursor holds the table's lock from its creation to after its "
          "last flush", "[smp][tlb]") {
    frame_pool pool(64);
    event_log log;
    using table = page_table<F, handler_memory<waiting_handler>, sync_tlb, many_cpus_with_lock<recording_lock>>;
    static_assert(cursor<table>::locks && !cursor<waiting_table>::locks);
    auto pt = table::create(waiting_handler{{{&pool}}, &log}, sync_tlb{{&log}, {&log}});
    REQUIRE(pt);
    pt->cursor_lock().log = &log;
    {
        auto c = pt->cursor();
        CHECK(log.events == std::vector<std::string>{"lock"});
        REQUIRE(c.map(base, 0x100'0000, 4096, rw));
        REQUIRE(c.unmap(base));
    }
    REQUIRE(log.events.size() > 2);
    CHECK(log.events.front() == "lock");
    CHECK(log.events.back() == "unlock");
    CHECK(log.count("free") == 2);
    CHECK(log.index_of("free") < log.index_of("unlock"));  // freed inside the lock
    CHECK(bool(pt->query(base)) == false);                 // (query takes no lock)
    CHECK(log.count("lock") == 1);
}

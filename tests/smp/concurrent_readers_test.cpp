// Lock-free readers on other threads while one writer maps and unmaps (page_table<..., many_cpus>,
// core/cpu_sharing.hpp): every query a reader makes must see either nothing or the page the
// writer maps there, never a table that was freed under it. Retired tables go through an
// epoch-based grace period (ptgen::reader_epochs: the handler's wait_for_readers, or
// dealloc_frames_after_readers with the writer running the callbacks, call_rcu style); freed
// frames are poisoned, so a reader still walking one would read garbage, and under
// ThreadSanitizer (preset tsan) the poisoning store would be reported as a race with that
// reader's load (tried: with an empty wait_for_readers, or with query's relaxed loads, TSan
// reports races here and the test exits 66). Allocation failures are injected: a failed map
// leaves nothing behind. After each round the readers stop and the table is checked against
// the writer's model page by page. Last, writers on two threads through one table whose
// cursors hold its lock (many_cpus_with_lock).
#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include <ptgen/ptgen.hpp>

#include "support/frame_pool.hpp"

using namespace ptgen;
using namespace ptgen::test;

namespace {

using reader_epochs_t = reader_epochs<2>;

// Frees poison the frame first: a reader that still walks it reads 0xa5 bytes.
void poison_and_free(frame_pool& pool, paddr pa, std::size_t n) {
    std::memset(pool.to_virt(pa), 0xa5, n * frame_pool::frame);
    pool.dealloc(pa, n);
}

struct waiting_handler : pool_handler {
    reader_epochs_t* epochs;
    void dealloc_frame(paddr pa) { poison_and_free(*pool, pa, 1); }
    void dealloc_frames(paddr pa, std::size_t n) { poison_and_free(*pool, pa, n); }
    void wait_for_readers() { epochs->wait([] { std::this_thread::yield(); }); }
};

struct deferring_handler : pool_handler {
    reader_epochs_t* epochs;
    std::vector<std::pair<paddr, std::size_t>>* queued;
    void dealloc_frame(paddr pa) { poison_and_free(*pool, pa, 1); }
    void dealloc_frames(paddr pa, std::size_t n) { poison_and_free(*pool, pa, n); }
    void dealloc_frames_after_readers(paddr pa, std::size_t n) { queued->emplace_back(pa, n); }
    // The writer's call_rcu callbacks: after a grace period, free what was queued before it.
    void run_callbacks() {
        if (queued->empty()) return;
        epochs->wait([] { std::this_thread::yield(); });
        for (auto [pa, n] : *queued) poison_and_free(*pool, pa, n);
        queued->clear();
    }
};

template <class F>
struct window {
    // 48 pages spread over 16 last-level tables, so that unmaps keep emptying tables and maps
    // keep making them.
    static constexpr std::size_t pages = 48;
    static constexpr std::uint64_t leaf_table_span = geometry_of<F>::span(geometry_of<F>::depth - 2);
    static constexpr vaddr base = 0x4000'0000;
    static constexpr vaddr va(std::size_t k) {
        return base + (k % 16) * leaf_table_span + (k / 16) * 4096 * 37 % leaf_table_span;
    }
    static constexpr paddr pa(std::size_t k) { return 0x1'0000'0000 + k * 4096; }
};

template <class F, class Handler>
void hammer(unsigned rounds, unsigned ops_per_round) {
    using table = page_table<F, handler_memory<Handler>, no_tlb, many_cpus>;
    using w = window<F>;
    frame_pool pool(512);
    reader_epochs_t epochs;
    std::vector<std::pair<paddr, std::size_t>> queued;
    Handler handler{};
    handler.pool = &pool;
    handler.epochs = &epochs;
    if constexpr (requires { handler.queued; }) handler.queued = &queued;
    auto pt = table::create(handler);
    REQUIRE(pt);
    const auto root_only = pool.live_frames();
    std::array<bool, w::pages> mapped{};
    constexpr std::size_t readers = 2;
    std::mt19937_64 rng(12345);
    std::size_t injected = 0;

    for (unsigned round = 0; round < rounds; ++round) {
        std::atomic<bool> stop{false};
        std::atomic<std::size_t> wrong{0}, seen_mapped{0}, queries{0}, started{0};
        std::vector<std::thread> threads;
        for (std::size_t r = 0; r < readers; ++r) {
            threads.emplace_back([&, r] {
                std::minstd_rand pick(unsigned(r + 1));
                started.fetch_add(1);
                while (!stop.load(std::memory_order_relaxed)) {
                    queries.fetch_add(1, std::memory_order_relaxed);
                    const std::size_t k = pick() % w::pages;
                    epochs.enter(r);
                    const auto t = pt->query(w::va(k));
                    epochs.leave(r);
                    if (t) {
                        seen_mapped.fetch_add(1, std::memory_order_relaxed);
                        if (t->pa != w::pa(k) || t->flags != rw || t->size != 4096) wrong.fetch_add(1);
                    } else if (t.err() != error::not_mapped) {
                        wrong.fetch_add(1);
                    }
                }
            });
        }
        while (started.load() != readers) std::this_thread::yield();
        // At least ops_per_round changes, and on until the readers made as many queries, 256
        // of them finding a page (a loaded machine may run them late), at most 64 times as
        // many changes.
        auto readers_busy = [&] { return queries.load() >= ops_per_round && seen_mapped.load() >= 256; };
        for (unsigned op = 0; op < 64 * ops_per_round && (op < ops_per_round || !readers_busy()); op += 8) {
            auto c = pt->cursor();  // a batch of 8, then the flush: reclaim, grace, free
            for (unsigned b = 0; b < 8; ++b) {
                const std::size_t k = rng() % w::pages;
                if (mapped[k]) {
                    REQUIRE(c.unmap(w::va(k)));
                    mapped[k] = false;
                } else {
                    const bool inject = rng() % 16 == 0;
                    if (inject) pool.fail_after(1 + rng() % 2);
                    const auto s = c.map(w::va(k), w::pa(k), 4096, rw);
                    pool.fail_after(0);
                    if (s) {
                        mapped[k] = true;
                    } else {
                        REQUIRE(inject);
                        REQUIRE(s.err() == error::no_memory);
                        ++injected;
                    }
                }
            }
            c.flush();
            if constexpr (requires { handler.queued; }) pt->memory().handler().run_callbacks();
        }
        stop.store(true);
        for (auto& t : threads) t.join();
        CHECK(wrong.load() == 0);
        CHECK(seen_mapped.load() != 0);
        for (std::size_t k = 0; k < w::pages; ++k) {  // the model, with the readers stopped
            const auto t = pt->query(w::va(k));
            CHECK(bool(t) == mapped[k]);
            if (t) CHECK(t->pa == w::pa(k));
        }
    }
    CHECK(injected != 0);
    CHECK(epochs.grace_periods() != 0);
    {
        auto c = pt->cursor();
        for (std::size_t k = 0; k < w::pages; ++k)
            if (mapped[k]) REQUIRE(c.unmap(w::va(k)));
    }
    if constexpr (requires { handler.queued; }) pt->memory().handler().run_callbacks();
    CHECK(pool.live_frames() == root_only);  // every table back, after its grace period
    CHECK(pool.bad_frees() == 0);
}

}  // namespace

TEMPLATE_TEST_CASE("lock-free queries on other threads never see a freed table (grace: wait)",
                   "[smp][threads]", riscv::sv39, x86_64::long_mode_4level, aarch64::stage1_4k_el1) {
    hammer<TestType, waiting_handler>(4, 4000);
}

TEMPLATE_TEST_CASE("lock-free queries on other threads never see a freed table (grace: deferred free)",
                   "[smp][threads]", riscv::sv39, x86_64::long_mode_4level, aarch64::stage1_4k_el1) {
    hammer<TestType, deferring_handler>(4, 4000);
}

TEMPLATE_TEST_CASE("writers on several threads serialise through the table's lock (many_cpus_with_lock)",
                   "[smp][threads]", riscv::sv39, x86_64::long_mode_4level) {
    using F = TestType;
    using table = page_table<F, handler_memory<waiting_handler>, no_tlb, many_cpus_with_lock<std::mutex>>;
    using w = window<F>;
    frame_pool pool(512);
    reader_epochs_t epochs;
    waiting_handler handler{};
    handler.pool = &pool;
    handler.epochs = &epochs;
    auto pt = table::create(handler);
    REQUIRE(pt);
    const auto root_only = pool.live_frames();
    constexpr std::size_t writers = 2;  // writer t owns the pages k with k % writers == t
    std::atomic<std::size_t> wrong{0}, failed{0};
    std::atomic<bool> stop{false};
    std::thread reader([&] {  // lock-free, on reader slot 0
        std::minstd_rand pick(7);
        while (!stop.load(std::memory_order_relaxed)) {
            const std::size_t k = pick() % w::pages;
            epochs.enter(0);
            const auto t = pt->query(w::va(k));
            epochs.leave(0);
            if (t ? t->pa != w::pa(k) : t.err() != error::not_mapped) wrong.fetch_add(1);
        }
    });
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < writers; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937_64 rng(t + 1);
            std::array<bool, w::pages> mine{};
            for (unsigned op = 0; op < 4000; ++op) {
                const std::size_t k = (rng() % (w::pages / writers)) * writers + t;
                auto c = pt->cursor();  // holds the table's lock until it is destroyed
                if (mine[k] ? !c.unmap(w::va(k)) : !c.map(w::va(k), w::pa(k), 4096, rw)) failed.fetch_add(1);
                mine[k] = !mine[k];
            }
            auto c = pt->cursor();
            for (std::size_t k = t; k < w::pages; k += writers)
                if (mine[k] && !c.unmap(w::va(k))) failed.fetch_add(1);
        });
    }
    for (auto& t : threads) t.join();
    stop.store(true);
    reader.join();
    CHECK(wrong.load() == 0);
    CHECK(failed.load() == 0);
    CHECK(pool.live_frames() == root_only);
    CHECK(pool.bad_frees() == 0);
}

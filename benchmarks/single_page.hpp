// benchmarks/single_page.hpp: the single-page workloads of a kernel (a fault handler maps one
// page, a lookup, map and unmap of one page again and again, sparse churn), for ptgen's cursor
// and for the seed's algorithm (seed_baseline.hpp) on the same pool, in the same run:
//   <format>/single_map           cursor.map of each page of the region, one by one
//   <format>/single_map_unmap     map + unmap of one page (one iteration = one pair)
//   <format>/single_map_unmap_nb  the same with the neighbouring page mapped
//   <format>/single_query_seq     query of consecutive pages of a mapped region
//   <format>/churn                (ptgen_bench.cpp) and its seed twin
//   seed/<format>/{query,map_region_4k,unmap_region_4k,protect_region_4k}: the seed twins of
//                                 ptgen_bench.cpp's region workloads (_16k, _64k: granules)
// and seed/<format>/<the same>; a page is the format's smallest (4, 16 or 64 KiB). Included by
// ptgen_bench.cpp (it needs its helpers).
#pragma once

#include "seed_baseline.hpp"

namespace single_page {

template <class F>
void ptgen_map(benchmark::State& s) {
    auto pt = create<F>(s);
    if (!pt) return;
    for (auto _ : s) {
        status st{};
        {
            auto c = pt->cursor();
            for (vaddr v = va0; v < va0 + opt.size && st; v += page<F>) st = c.map(v, v + delta, page<F>, map_flags);
        }
        s.PauseTiming();
        if (fail(s, "map", st) || !check_linear<F>(s, *pt) || fail(s, "unmap", unmap_all<F>(*pt))) break;
        s.ResumeTiming();
    }
    set_rate(s, double(opt.size / page<F>));
}
template <class F>
void seed_map(benchmark::State& s) {
    for (auto _ : s) {
        s.PauseTiming();
        auto pt = std::make_unique<seed_table<F>>();
        s.ResumeTiming();
        status st{};
        for (vaddr v = va0; v < va0 + opt.size && st; v += page<F>) st = pt->map(v, v + delta, page<F>, map_flags);
        s.PauseTiming();
        if (fail(s, "seed map", st)) break;
        if (!pt->query(va0 + opt.size - 1) || pt->query(va0 + 0x1234)->pa != pa0 + 0x1234) {
            s.SkipWithError("seed map: wrong translation");
            break;
        }
        pt.reset();
        s.ResumeTiming();
    }
    set_rate(s, double(opt.size / page<F>));
}

// One map + unmap pair per iteration, through one cursor (its flushes and frees included).
template <class F>
void ptgen_map_unmap(benchmark::State& s, bool neighbour) {
    auto pt = create<F>(s);
    if (!pt) return;
    if (neighbour && fail(s, "map", pt->cursor().map(va0 + page<F>, pa0 + page<F>, page<F>, map_flags))) return;
    {
        auto c = pt->cursor();
        for (auto _ : s) {
            if (fail(s, "map", c.map(va0, pa0, page<F>, map_flags))) break;
            if (!c.unmap(va0)) {
                s.SkipWithError("unmap failed");
                break;
            }
        }
    }
    set_rate(s, 1.0);
    if (neighbour && !pt->cursor().unmap(va0 + page<F>)) s.SkipWithError("unmap of the neighbour failed");
    s.counters["frames_after_unmap_all"] = double(g_pool->live_frames());
    s.counters["root_frames"] = double(frames_per_table<F>(0));
}
template <class F>
void seed_map_unmap(benchmark::State& s, bool neighbour) {
    seed_table<F> pt;
    if (neighbour && fail(s, "map", pt.map(va0 + page<F>, pa0 + page<F>, page<F>, map_flags))) return;
    for (auto _ : s) {
        if (fail(s, "map", pt.map(va0, pa0, page<F>, map_flags))) break;
        if (!pt.unmap(va0)) {
            s.SkipWithError("unmap failed");
            break;
        }
    }
    set_rate(s, 1.0);
}

// Queries of consecutive pages (a TLB-miss-like sweep over a region mapped in pages).
template <class F>
void ptgen_query_seq(benchmark::State& s) {
    auto pt = create<F>(s);
    if (!pt || fail(s, "map", map_linear_4k<F>(*pt))) return;
    for (auto _ : s) {
        paddr sum = 0;
        for (vaddr v = va0; v < va0 + opt.size; v += page<F>) {
            const auto t = pt->query(v);
            sum += t->pa + std::uint64_t(t->flags);
        }
        benchmark::DoNotOptimize(sum);
    }
    set_rate(s, double(opt.size / page<F>));
    (void)unmap_all<F>(*pt);
}
template <class F>
void seed_query_seq(benchmark::State& s) {
    seed_table<F> pt;
    if (fail(s, "map", pt.map_region(va0, pa0, opt.size, map_flags, false))) return;
    for (auto _ : s) {
        paddr sum = 0;
        for (vaddr v = va0; v < va0 + opt.size; v += page<F>) {
            const auto t = pt.query(v);
            sum += t->pa + std::uint64_t(t->f);
        }
        benchmark::DoNotOptimize(sum);
    }
    set_rate(s, double(opt.size / page<F>));
}
template <class F>
void seed_query_random(benchmark::State& s) {
    seed_table<F> pt;
    if (fail(s, "map", pt.map_region(va0, pa0, opt.size, map_flags, false))) return;
    std::vector<vaddr> addrs(opt.queries);
    std::uint64_t rng = 0x9e37'79b9'7f4a'7c15;
    for (auto& v : addrs) v = va0 + xorshift(rng) % opt.size;
    for (auto _ : s) {
        paddr sum = 0;
        for (vaddr v : addrs) {
            const auto t = pt.query(v);
            sum += t->pa + std::uint64_t(t->f);
        }
        benchmark::DoNotOptimize(sum);
    }
    set_rate(s, double(addrs.size()));
}
template <class F>
void seed_map_region(benchmark::State& s) {
    for (auto _ : s) {
        s.PauseTiming();
        auto pt = std::make_unique<seed_table<F>>();
        s.ResumeTiming();
        if (fail(s, "seed map_region", pt->map_region(va0, pa0, opt.size, map_flags, false))) break;
        s.PauseTiming();
        pt.reset();
        s.ResumeTiming();
    }
    set_rate(s, double(opt.size / page<F>));
}
template <class F>
void seed_churn(benchmark::State& s) {
    seed_table<F> pt;
    const std::uint64_t window_pages = churn_window<F>() / page<F>;
    std::uint64_t rng = 0x2545'f491'4f6c'dd1d;
    auto pa_of = [](vaddr v) { return pa0 + (v & (1_GiB - 1)); };
    std::vector<vaddr> live(opt.churn_pages);
    auto map_new = [&](vaddr& slot) {
        for (;;) {
            const vaddr v = (xorshift(rng) % window_pages) * page<F>;
            const status st = pt.map(v, pa_of(v), page<F>, map_flags);
            if (st) {
                slot = v;
                return status{};
            }
            if (!st.is(error::already_mapped)) return st;
        }
    };
    const std::size_t frames_before = g_pool->live_frames();
    for (auto& v : live)
        if (fail(s, "map", map_new(v))) return;
    for (auto _ : s) {
        vaddr& slot = live[xorshift(rng) % live.size()];
        if (!pt.unmap(slot)) {
            s.SkipWithError("unmap failed");
            break;
        }
        if (fail(s, "map", map_new(slot))) break;
    }
    set_rate(s, 2.0);
    s.counters["frames"] = double(g_pool->live_frames() - frames_before + frames_per_table<F>(0));
}

// unmap_region / protect_region of the 1 GiB map in pages (the map itself not timed).
template <class F>
void seed_unmap_region(benchmark::State& s) {
    seed_table<F> pt;
    for (auto _ : s) {
        s.PauseTiming();
        if (fail(s, "seed map_region", pt.map_region(va0, pa0, opt.size, map_flags, false))) break;
        s.ResumeTiming();
        if (fail(s, "seed unmap_region", pt.unmap_region(va0, opt.size))) break;
    }
    set_rate(s, double(opt.size / page<F>));
}
template <class F>
void seed_protect_region(benchmark::State& s) {
    seed_table<F> pt;
    if (fail(s, "seed map_region", pt.map_region(va0, pa0, opt.size, map_flags, false))) return;
    std::size_t i = 0;
    for (auto _ : s) {
        const flags next = (i++ & 1) ? map_flags : r;  // every call changes every leaf
        if (fail(s, "seed protect_region", pt.protect_region(va0, opt.size, next))) break;
    }
    set_rate(s, double(opt.size / page<F>));
}

template <class F>
void register_format() {
    auto reg = [](std::string name, auto fn) {
        benchmark::RegisterBenchmark(name.c_str(), on_fresh_pool(fn))->Unit(benchmark::kNanosecond);
    };
    const std::string seed = std::string("seed/") + F::name + "/";
    reg(name_of<F>("single_map"), [](benchmark::State& s) { ptgen_map<F>(s); });
    reg(seed + "single_map", [](benchmark::State& s) { seed_map<F>(s); });
    reg(name_of<F>("single_map_unmap"), [](benchmark::State& s) { ptgen_map_unmap<F>(s, false); });
    reg(seed + "single_map_unmap", [](benchmark::State& s) { seed_map_unmap<F>(s, false); });
    reg(name_of<F>("single_map_unmap_nb"), [](benchmark::State& s) { ptgen_map_unmap<F>(s, true); });
    reg(seed + "single_map_unmap_nb", [](benchmark::State& s) { seed_map_unmap<F>(s, true); });
    reg(name_of<F>("single_query_seq"), [](benchmark::State& s) { ptgen_query_seq<F>(s); });
    reg(seed + "single_query_seq", [](benchmark::State& s) { seed_query_seq<F>(s); });
    reg(seed + "query", [](benchmark::State& s) { seed_query_random<F>(s); });
    reg("seed/" + name_of<F>("map_region_4k"), [](benchmark::State& s) { seed_map_region<F>(s); });
    reg("seed/" + name_of<F>("unmap_region_4k"), [](benchmark::State& s) { seed_unmap_region<F>(s); });
    reg("seed/" + name_of<F>("protect_region_4k"), [](benchmark::State& s) { seed_protect_region<F>(s); });
    reg(seed + "churn", [](benchmark::State& s) { seed_churn<F>(s); });
}

}  // namespace single_page

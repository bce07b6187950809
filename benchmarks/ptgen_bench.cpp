// benchmarks/ptgen_bench.cpp: run-time speed and memory of the engine, for every format of
// ptgen::all_formats, against the seed's algorithm (one page at a time, each walking from the
// root) and against the physical limit (a bare store loop into tables that already exist).
// A "page" is the format's smallest page: 4 KiB, or 16 or 64 KiB with AArch64's larger
// granules, whose workloads are named with it (aarch64-16k-el1/map_region_16k).
//
// Benchmarks are named <format>/<workload>. Every workload reports
//   pages/s, ns/page        pages per CPU second and CPU nanoseconds per page
//                           (an inverted rate: the console prints it with an "s" suffix);
//   tables, tables_min      tables the engine used for the workload, and the fewest possible
//   frames, frames_min      (computed from the layout by bench_minimum.hpp), in frames too;
//   frames_after_unmap_all  frames left when everything is unmapped and flushed, and
//   root_frames             what that must be: the root alone.
// benchmarks/run turns the JSON output into the table of ratios and targets.
//
// Options (taken out of argv before Google Benchmark reads its own --benchmark_*):
//   --ptgen_size_mib=N     size of the region workloads (default 1024: 1 GiB)
//   --ptgen_window_gib=N   window of the sparse churn (default 256, capped by the format's VA)
//   --ptgen_churn_pages=N  pages kept mapped by the churn (default 4096)
//   --ptgen_queries=N      random addresses per query iteration (default 4096)
//   --ptgen_thp=0|1        back the frame pool with the host's transparent huge pages (default
//                          1: a kernel reaches its tables through a direct map of huge pages;
//                          0 adds host TLB misses that grow with the tables' footprint)
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/hana/for_each.hpp>
#include <ptgen/all_formats.hpp>
#include <ptgen/ptgen.hpp>

#include "bench_minimum.hpp"
#include "bench_pool.hpp"

using namespace ptgen;
using namespace ptgen::bench;

namespace {

struct options {
    std::uint64_t size = 1_GiB;
    std::uint64_t window = 256_GiB;
    std::size_t churn_pages = 4096;
    std::size_t queries = 4096;
    bool host_huge_pages = true;  // the pool on the host's transparent huge pages
};
options opt;

// The format's smallest page: what every workload maps, one entry per page (4 KiB, or 16 or
// 64 KiB with AArch64's larger granules).
template <class F>
constexpr std::uint64_t page = geometry_of<F>::min_page;
constexpr vaddr va0 = 0x4000'0000;  // 1 GiB: valid in every format, aligned to every huge page
constexpr paddr pa0 = 0x8000'0000;  // 2 GiB: below 4 GiB (ARMv7), aligned to 1 GiB
constexpr std::uint64_t delta = pa0 - va0;
constexpr flags map_flags = rw;

template <class F>
using table = page_table<F, handler_memory<pool_handler>>;

// <format>/<workload>, the workload's "_4k" saying the format's smallest page: map_region_4k,
// map_region_16k, map_region_64k are one workload (benchmarks/report.py reads them so).
template <class F>
std::string name_of(const char* workload) {
    std::string w = workload;
    if (const auto at = w.find("_4k"); at != std::string::npos)
        w.replace(at + 1, 2, std::to_string(page<F> / 1024) + "k");
    return std::string(F::name) + "/" + w;
}

std::uint64_t xorshift(std::uint64_t& s) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

void set_rate(benchmark::State& s, double pages_per_iteration) {
    using C = benchmark::Counter;
    s.counters["pages/s"] = C(pages_per_iteration, C::kIsIterationInvariantRate);
    // ns per page: iterations * pages / seconds, inverted, scaled to nanoseconds
    s.counters["ns/page"] =
        C(pages_per_iteration * 1e-9, C::kIsIterationInvariantRate | C::kInvert);
}

template <class F>
std::size_t count_tables(const table<F>& pt) {
    std::size_t n = 1;
    pt.walk(~std::size_t{0}, [&](const auto& e) { n += e.kind == entry_kind::table; });
    return n;
}

template <class F>
void set_memory(benchmark::State& s, const table<F>& pt, const level_counts<F>& minimum) {
    s.counters["tables"] = double(count_tables<F>(pt));
    s.counters["tables_min"] = double(total_tables<F>(minimum));
    s.counters["frames"] = double(g_pool->live_frames());
    s.counters["frames_min"] = double(total_frames<F>(minimum));
}

// Called with everything unmapped and flushed: what is left must be the root.
void set_after_unmap_all(benchmark::State& s, std::size_t root_frames) {
    s.counters["frames_after_unmap_all"] = double(g_pool->live_frames());
    s.counters["root_frames"] = double(root_frames);
}

template <class F>
result<table<F>> create(benchmark::State& s) {
    auto pt = table<F>::create();
    if (!pt) s.SkipWithError("cannot allocate a root table");
    return pt;
}

bool fail(benchmark::State& s, const char* what, status st) {
    if (st) return false;
    static std::string msg;
    msg = std::string(what) + ": " + to_string(st.err());
    s.SkipWithError(msg.c_str());
    return true;
}

// Checks a few translations of the linear 1 GiB map.
template <class F>
bool check_linear(benchmark::State& s, const table<F>& pt) {
    for (vaddr v : {va0, va0 + opt.size / 2 + 0x123, va0 + opt.size - 1}) {
        auto t = pt.query(v);
        if (!t || t->pa != v + delta) {
            s.SkipWithError("wrong translation after the map");
            return false;
        }
    }
    return true;
}

template <class F>
status map_linear_4k(table<F>& pt) {
    auto c = pt.cursor();
    return c.map_linear(va0, pa0, opt.size, map_flags, false);
}
template <class F>
status unmap_all(table<F>& pt) {
    auto c = pt.cursor();
    return c.unmap_region(va0, opt.size);
}

// ---- the limit: stores of the same leaf entries into tables that exist ---------------------

template <class F>
struct leaf_run {
    typename F::entry_type* entries;  // first entry of the run, host address
    std::size_t n;
    paddr pa;                         // output address of the first entry
};

// The runs of last-level entries that map [va0, va0 + size), one per last-level table.
template <class F>
std::vector<leaf_run<F>> leaf_runs(table<F>& pt) {
    constexpr unsigned last = unsigned(F::levels.size() - 1);
    const std::uint64_t table_span = F::levels[last].span() * F::levels[last].entries();
    std::vector<leaf_run<F>> runs;
    for (vaddr v = va0; v < va0 + opt.size;) {
        const vaddr end = std::min(align_down(v, table_span) + table_span, va0 + opt.size);
        auto slot = pt.engine().find_leaf(v);
        if (!slot || slot->level != last) return {};
        auto* base = static_cast<typename F::entry_type*>(pool_handler::phys_to_virt(slot->table));
        runs.push_back({base + slot->index, std::size_t((end - v) / page<F>), v + delta});
        v = end;
    }
    return runs;
}

// Stores the leaves of the runs, as they are after a map with flags f: e0 + k * stride
// (what a leaf fill can do at best), or with encode, one encode_leaf per entry.
template <class F>
void store_raw(const std::vector<leaf_run<F>>& runs, flags f, bool encode) {
    using entry = typename F::entry_type;
    constexpr unsigned last = unsigned(F::levels.size() - 1);
    for (const auto& r : runs) {
        if (encode) {
            for (std::size_t k = 0; k < r.n; ++k)
                r.entries[k] = F::encode_leaf(r.pa + k * page<F>, f, last);
        } else {
            const entry e0 = F::encode_leaf(r.pa, f, last);
            const entry stride = entry(F::encode_leaf(r.pa + page<F>, f, last) - e0);
            entry e = e0;
            for (std::size_t k = 0; k < r.n; ++k, e += stride) r.entries[k] = e;
        }
    }
    benchmark::ClobberMemory();
}

// The ratios of the targets, measured in the same iterations: each iteration times the
// operation and its reference (the raw store loop over the same tables, or the bare walk of
// the same addresses) back to back on this thread's CPU clock, so that both see the same load
// of a shared machine. Reported as the counter x_raw or x_bare.
std::uint64_t thread_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::uint64_t(ts.tv_sec) * 1'000'000'000u + std::uint64_t(ts.tv_nsec);
}
struct paired {
    std::uint64_t op_ns = 0, ref_ns = 0;
    void report(benchmark::State& s, const char* counter) const {
        if (ref_ns != 0) s.counters[counter] = double(op_ns) / double(ref_ns);
    }
};

// ---- mapping: map_region / map_linear / page by page ----------------------------------------

// region: map_region with get_paddr(v) = v + delta (the compiler sees it is linear);
// frames: get_paddr reads a list of frames that happen to be contiguous (it cannot see that);
// scattered: every pair of pages swapped (no two neighbours contiguous: one encode per page).
enum class how { region, frames, scattered, linear, page_by_page };

template <class F>
void bm_map(benchmark::State& s, how h, bool huge) {
    auto pt = create<F>(s);
    if (!pt) return;
    std::vector<paddr> frames;
    if (h == how::frames)
        for (vaddr v = va0; v < va0 + opt.size; v += page<F>) frames.push_back(v + delta);
    const paddr* frame_of = frames.data();
    bool first = true;
    paired vs_raw;
    for (auto _ : s) {
        status st{};
        const std::uint64_t t0 = thread_ns();
        {
            auto c = pt->cursor();
            switch (h) {
                case how::region:
                    st = c.map_region(va0, [](vaddr v) { return v + delta; }, opt.size, map_flags,
                                      huge);
                    break;
                case how::frames:
                    st = c.map_region(
                        va0, [frame_of](vaddr v) { return frame_of[(v - va0) / page<F>]; },
                        opt.size, map_flags, huge);
                    break;
                case how::scattered:
                    st = c.map_region(va0, [](vaddr v) { return (v ^ page<F>) + delta; }, opt.size,
                                      map_flags, huge);
                    break;
                case how::linear: st = c.map_linear(va0, pa0, opt.size, map_flags, huge); break;
                case how::page_by_page:
                    for (vaddr v = va0; v < va0 + opt.size && st; v += page<F>)
                        st = c.map(v, v + delta, page<F>, map_flags);
                    break;
            }
            c.flush();
        }
        const std::uint64_t t1 = thread_ns();
        s.PauseTiming();
        if (fail(s, "map", st)) break;
        if (first) {
            if (h != how::scattered && !check_linear<F>(s, *pt)) break;
            set_memory<F>(s, *pt, minimum_for_range<F>(va0, opt.size, delta, huge));
            first = false;
        }
        if (!huge) {  // the same leaves stored by the raw loop into the tables just mapped
            const auto runs = leaf_runs<F>(*pt);
            const std::uint64_t r0 = thread_ns();
            store_raw<F>(runs, map_flags, false);
            vs_raw.ref_ns += thread_ns() - r0;
            vs_raw.op_ns += t1 - t0;
        }
        if (fail(s, "unmap", unmap_all<F>(*pt))) break;
        s.ResumeTiming();
    }
    set_rate(s, double(opt.size / page<F>));
    vs_raw.report(s, "x_raw");
    set_after_unmap_all(s, frames_per_table<F>(0));
}

// The limit: the leaves of the 1 GiB map stored again and again by the raw loop.
template <class F>
void bm_raw_store(benchmark::State& s, bool encode) {
    auto pt = create<F>(s);
    if (!pt) return;
    if (fail(s, "map", map_linear_4k<F>(*pt))) return;
    const auto runs = leaf_runs<F>(*pt);
    if (runs.empty()) {
        s.SkipWithError("no leaf tables");
        return;
    }
    for (auto _ : s) store_raw<F>(runs, map_flags, encode);
    if (!check_linear<F>(s, *pt)) return;
    set_rate(s, double(opt.size / page<F>));
    set_memory<F>(s, *pt, minimum_for_range<F>(va0, opt.size, delta, false));
    if (fail(s, "unmap", unmap_all<F>(*pt))) return;
    set_after_unmap_all(s, frames_per_table<F>(0));
}

// ---- unmap_region and protect_region of the map in pages -------------------------------------

template <class F>
void bm_unmap_region(benchmark::State& s) {
    auto pt = create<F>(s);
    if (!pt) return;
    bool first = true;
    paired vs_raw;
    for (auto _ : s) {
        s.PauseTiming();
        if (fail(s, "map", map_linear_4k<F>(*pt))) break;
        if (first) {
            set_memory<F>(s, *pt, minimum_for_range<F>(va0, opt.size, delta, false));
            first = false;
        }
        {  // the raw loop over the same tables, just before they are unmapped
            const auto runs = leaf_runs<F>(*pt);
            const std::uint64_t r0 = thread_ns();
            store_raw<F>(runs, map_flags, false);
            vs_raw.ref_ns += thread_ns() - r0;
        }
        s.ResumeTiming();
        const std::uint64_t t0 = thread_ns();
        status st;
        {
            auto c = pt->cursor();
            st = c.unmap_region(va0, opt.size);
            c.flush();  // frees the unlinked tables: part of the work
        }
        vs_raw.op_ns += thread_ns() - t0;
        if (fail(s, "unmap", st)) break;
    }
    set_rate(s, double(opt.size / page<F>));
    vs_raw.report(s, "x_raw");
    set_after_unmap_all(s, frames_per_table<F>(0));
}

template <class F>
void bm_protect_region(benchmark::State& s) {
    auto pt = create<F>(s);
    if (!pt) return;
    if (fail(s, "map", map_linear_4k<F>(*pt))) return;
    const auto runs = leaf_runs<F>(*pt);
    std::size_t i = 0;
    flags now = map_flags;
    paired vs_raw;
    for (auto _ : s) {
        s.PauseTiming();
        {  // the raw loop rewrites the leaves as they are (flags `now`)
            const std::uint64_t r0 = thread_ns();
            store_raw<F>(runs, now, false);
            vs_raw.ref_ns += thread_ns() - r0;
        }
        s.ResumeTiming();
        const flags next = (i++ & 1) ? map_flags : r;  // every call changes every leaf
        const std::uint64_t t0 = thread_ns();
        status st;
        {
            auto c = pt->cursor();
            st = c.protect_region(va0, opt.size, next);
            c.flush();
        }
        vs_raw.op_ns += thread_ns() - t0;
        now = next;
        if (fail(s, "protect", st)) break;
    }
    set_rate(s, double(opt.size / page<F>));
    vs_raw.report(s, "x_raw");
    set_memory<F>(s, *pt, minimum_for_range<F>(va0, opt.size, delta, false));
    if (fail(s, "unmap", unmap_all<F>(*pt))) return;
    set_after_unmap_all(s, frames_per_table<F>(0));
}

// ---- query vs a bare software walk -----------------------------------------------------------

// The bare walk: one load per level and the format's decode of kind and address, nothing else
// (the address as the MMU takes it: leaf_address, for the 64 KiB runs of Svnapot).
template <class F>
paddr bare_walk(paddr root, vaddr va) {
    using entry = typename F::entry_type;
    paddr t = root;
    for (unsigned level = 0; level < F::levels.size(); ++level) {
        const auto& g = F::levels[level];
        const entry e = static_cast<const entry*>(pool_handler::phys_to_virt(t))[g.index_of(va)];
        switch (F::kind(e, level)) {
            case entry_kind::empty: return ~paddr{0};
            case entry_kind::leaf: return leaf_address<F>(e, level, va) + (va & (g.span() - 1));
            case entry_kind::table: t = F::address(e, level); break;
        }
    }
    return ~paddr{0};
}

template <class F>
void bm_query(benchmark::State& s, bool bare) {
    auto pt = create<F>(s);
    if (!pt) return;
    if (fail(s, "map", map_linear_4k<F>(*pt))) return;
    std::vector<vaddr> addrs(opt.queries);
    std::uint64_t rng = 0x9e37'79b9'7f4a'7c15;
    for (auto& v : addrs) v = va0 + xorshift(rng) % opt.size;
    for (vaddr v : addrs) {
        if (bare_walk<F>(pt->root_paddr(), v) != v + delta || pt->query(v)->pa != v + delta) {
            s.SkipWithError("query and bare walk disagree with the map");
            return;
        }
    }
    const paddr root = pt->root_paddr();
    auto walk_all = [&] {
        paddr sum = 0;
        for (vaddr v : addrs) sum += bare_walk<F>(root, v);
        benchmark::DoNotOptimize(sum);
    };
    paired vs_bare;
    for (auto _ : s) {
        if (bare) {
            walk_all();
            continue;
        }
        const std::uint64_t t0 = thread_ns();
        paddr sum = 0;
        for (vaddr v : addrs) {
            auto t = pt->query(v);
            sum += t->pa + std::uint64_t(t->flags);
        }
        benchmark::DoNotOptimize(sum);
        vs_bare.op_ns += thread_ns() - t0;
        s.PauseTiming();  // the bare walk of the same addresses, back to back
        const std::uint64_t r0 = thread_ns();
        walk_all();
        vs_bare.ref_ns += thread_ns() - r0;
        s.ResumeTiming();
    }
    set_rate(s, double(addrs.size()));
    vs_bare.report(s, "x_bare");
    set_memory<F>(s, *pt, minimum_for_range<F>(va0, opt.size, delta, false));
    if (fail(s, "unmap", unmap_all<F>(*pt))) return;
    set_after_unmap_all(s, frames_per_table<F>(0));
}

// ---- sparse churn: map and unmap random pages over a wide window -----------------------------

template <class F>
std::uint64_t churn_window() {
    std::uint64_t w = opt.window;
    while (w > page<F> && !F::va_valid(w - 1)) w >>= 1;
    return w;
}

template <class F>
void bm_churn(benchmark::State& s) {
    auto pt = create<F>(s);
    if (!pt) return;
    const std::uint64_t window_pages = churn_window<F>() / page<F>;
    std::uint64_t rng = 0x2545'f491'4f6c'dd1d;
    auto pa_of = [](vaddr v) { return pa0 + (v & (1_GiB - 1)); };
    std::vector<vaddr> live(opt.churn_pages);
    auto c = pt->cursor();
    // map a random page that is not mapped yet
    auto map_new = [&](vaddr& slot) {
        for (;;) {
            const vaddr v = (xorshift(rng) % window_pages) * page<F>;
            const status st = c.map(v, pa_of(v), page<F>, map_flags);
            if (st) {
                slot = v;
                return status{};
            }
            if (!st.is(error::already_mapped)) return st;
        }
    };
    for (auto& v : live)
        if (fail(s, "map", map_new(v))) return;
    for (auto _ : s) {
        vaddr& slot = live[xorshift(rng) % live.size()];
        auto old = c.unmap(slot);
        if (!old) {
            fail(s, "unmap", fail(old.err()));
            break;
        }
        if (fail(s, "map", map_new(slot))) break;
    }
    c.flush();
    set_rate(s, 2.0);  // one unmap and one map per iteration
    s.counters["window_gib"] = double(churn_window<F>() >> 30);
    set_memory<F>(s, *pt, minimum_for_pages<F>(live));
    for (vaddr v : live)
        if (fail(s, "unmap", c.unmap(v) ? status{} : status{fail(error::not_mapped)})) return;
    c.flush();
    set_after_unmap_all(s, frames_per_table<F>(0));
}

// Every benchmark starts with the whole pool free (bench_pool.hpp: no fragmentation left by
// the one before); frames still live then were leaked by the one before.
template <class Fn>
auto on_fresh_pool(Fn fn) {
    return [fn](benchmark::State& s) {
        if (!g_pool->reset()) {
            s.SkipWithError("frames leaked by the benchmark run before this one");
            return;
        }
        fn(s);
    };
}

}  // namespace

#include "single_page.hpp"

namespace {

template <class F>
void register_format() {
    using B = benchmark::internal::Benchmark;
    auto reg = [](const char* workload, auto fn) -> B* {
        return benchmark::RegisterBenchmark(name_of<F>(workload).c_str(), on_fresh_pool(fn))
            ->Unit(benchmark::kMicrosecond);
    };
    reg("map_region_4k", [](benchmark::State& s) { bm_map<F>(s, how::region, false); });
    reg("map_region_huge", [](benchmark::State& s) { bm_map<F>(s, how::region, true); });
    reg("map_region_4k_frames", [](benchmark::State& s) { bm_map<F>(s, how::frames, false); });
    reg("map_region_4k_scattered",
        [](benchmark::State& s) { bm_map<F>(s, how::scattered, false); });
    reg("map_linear_4k", [](benchmark::State& s) { bm_map<F>(s, how::linear, false); });
    reg("map_linear_huge", [](benchmark::State& s) { bm_map<F>(s, how::linear, true); });
    reg("map_page_by_page", [](benchmark::State& s) { bm_map<F>(s, how::page_by_page, false); });
    reg("raw_store", [](benchmark::State& s) { bm_raw_store<F>(s, false); });
    reg("raw_store_encode", [](benchmark::State& s) { bm_raw_store<F>(s, true); });
    reg("unmap_region_4k", [](benchmark::State& s) { bm_unmap_region<F>(s); });
    reg("protect_region_4k", [](benchmark::State& s) { bm_protect_region<F>(s); });
    reg("query", [](benchmark::State& s) { bm_query<F>(s, false); });
    reg("bare_walk", [](benchmark::State& s) { bm_query<F>(s, true); });
    reg("churn", [](benchmark::State& s) { bm_churn<F>(s); })->Unit(benchmark::kNanosecond);
}

// The most frames a benchmark of F holds at once (the pool is reset between benchmarks): the
// map of `size` in pages (twice, as a margin: the engine may hold more than the fewest), or the
// churn: ptgen's holds at most a table per live page per level below the root, the seed's
// every table its window ever touched (it never frees one). Plus the gaps of block alignment.
template <class F>
std::size_t frames_needed() {
    const std::size_t map = total_frames<F>(minimum_for_range<F>(va0, opt.size, delta, false));
    std::size_t churn = 0, seed_churn = 0;
    for (unsigned l = 1; l < F::levels.size(); ++l) {
        const std::uint64_t reach = churn_window<F>() / F::levels[l - 1].span() + 1;
        churn += std::min<std::uint64_t>(opt.churn_pages, reach) * frames_per_table<F>(l);
        seed_churn += reach * frames_per_table<F>(l);
    }
    return std::max({2 * map, churn, seed_churn}) + 1024;
}

// Takes --ptgen_*=N (and --ptgen_thp=0|1) out of argv.
bool parse_options(int& argc, char** argv) {
    int out = 1;
    for (int i = 1; i < argc; ++i) {
        const char* a = argv[i];
        auto value = [&](const char* key, auto& field, std::uint64_t unit) {
            const std::size_t n = std::strlen(key);
            if (std::strncmp(a, key, n) != 0 || a[n] != '=') return false;
            char* end = nullptr;
            const unsigned long long v = std::strtoull(a + n + 1, &end, 10);
            if (end == a + n + 1 || *end != '\0' || v == 0) {
                std::fprintf(stderr, "bad value in %s\n", a);
                std::exit(2);
            }
            field = static_cast<std::remove_reference_t<decltype(field)>>(v * unit);
            return true;
        };
        if (value("--ptgen_size_mib", opt.size, 1_MiB) ||
            value("--ptgen_window_gib", opt.window, 1_GiB) ||
            value("--ptgen_churn_pages", opt.churn_pages, 1) ||
            value("--ptgen_queries", opt.queries, 1))
            continue;
        if (std::strcmp(a, "--ptgen_thp=0") == 0 || std::strcmp(a, "--ptgen_thp=1") == 0) {
            opt.host_huge_pages = a[std::strlen(a) - 1] == '1';
            continue;
        }
        argv[out++] = argv[i];
    }
    argc = out;
    if (opt.size % 2_MiB != 0 || va0 + opt.size > 0x1'0000'0000 - 1_GiB) {
        std::fprintf(stderr, "--ptgen_size_mib must be a multiple of 2 and at most 2048\n");
        return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (!parse_options(argc, argv)) return 2;
    std::size_t frames = 0;
    boost::hana::for_each(ptgen::all_formats, [&frames](auto t) {
        using F = typename decltype(t)::type;
        frames = std::max(frames, frames_needed<F>());
        register_format<F>();
        single_page::register_format<F>();
    });
    init_pool(frames, opt.host_huge_pages);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::AddCustomContext("ptgen_size_mib", std::to_string(opt.size / 1_MiB));
    benchmark::AddCustomContext("ptgen_window_gib", std::to_string(opt.window / 1_GiB));
    benchmark::AddCustomContext("ptgen_churn_pages", std::to_string(opt.churn_pages));
    benchmark::AddCustomContext("ptgen_queries", std::to_string(opt.queries));
    benchmark::AddCustomContext("ptgen_thp", opt.host_huge_pages ? "1" : "0");
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

// benchmarks/smp_bench.cpp: what a table several CPUs load costs one CPU. The same workloads on
// page_table<F, ..., one_cpu> (the default) and on page_table<F, ..., many_cpus> (query with
// acquire loads; every flush that frees tables first waits for a grace period of
// ptgen::reader_epochs, with no reader inside: the cost of the hook itself), in one run, on the
// benchmark pool (bench_pool.hpp), no TLB (a host):
//   <format>/<sharing>/map_unmap_flush  map + unmap of one page, a cursor each: its tables are
//                                       reclaimed, freed after the grace period, made again
//   <format>/<sharing>/churn            random single-page unmap + map in a 64 GiB window, a
//                                       cursor of 16 changes each
//   <format>/<sharing>/query            query of random addresses in a mapped 64 MiB
// The ratio many_cpus / one_cpu of each pair is the figure (benchmarks/README.md).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include <ptgen/ptgen.hpp>

#include "bench_pool.hpp"

namespace {

using namespace ptgen;
using namespace ptgen::bench;

reader_epochs<4> g_epochs;

struct grace_handler : pool_handler {
    static void wait_for_readers() { g_epochs.wait(); }
};

template <class F>
using one_cpu_table = page_table<F, handler_memory<pool_handler>, no_tlb>;
template <class F>
using many_cpus_table = page_table<F, handler_memory<grace_handler>, no_tlb, many_cpus>;

constexpr vaddr va0 = 0x4000'0000;
constexpr paddr pa0 = 0x8000'0000;

std::uint64_t xorshift(std::uint64_t& s) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

bool fresh(benchmark::State& s) {
    if (g_pool->reset()) return true;
    s.SkipWithError("frames leaked by the benchmark before this one");
    return false;
}

template <class T>
void map_unmap_flush(benchmark::State& s) {
    if (!fresh(s)) return;
    auto pt = T::create();
    for (auto _ : s) {
        auto c = pt->cursor();
        if (!c.map(va0, pa0, 4096, rw) || !c.unmap(va0)) {
            s.SkipWithError("map or unmap failed");
            break;
        }
    }
}

template <class T>
void churn(benchmark::State& s) {
    if (!fresh(s)) return;
    auto pt = T::create();
    constexpr std::uint64_t window_pages = (64ull << 30) / 4096;
    std::vector<vaddr> live(1024);
    std::uint64_t rng = 0x2545'f491'4f6c'dd1d;
    auto map_new = [&](auto& c, vaddr& slot) {
        for (;;) {
            const vaddr v = va0 + (xorshift(rng) % window_pages) * 4096;
            if (c.map(v, pa0, 4096, rw)) {
                slot = v;
                return;
            }
        }
    };
    {
        auto c = pt->cursor();
        for (auto& v : live) map_new(c, v);
    }
    for (auto _ : s) {
        auto c = pt->cursor();
        for (int k = 0; k < 8; ++k) {
            vaddr& slot = live[xorshift(rng) % live.size()];
            if (!c.unmap(slot)) s.SkipWithError("unmap failed");
            map_new(c, slot);
        }
    }
    s.SetItemsProcessed(s.iterations() * 16);
    auto c = pt->cursor();
    for (vaddr v : live) (void)c.unmap(v);
}

template <class T>
void query(benchmark::State& s) {
    if (!fresh(s)) return;
    auto pt = T::create();
    if (!pt->cursor().map_linear(va0, pa0, 64u << 20, rw, false)) {
        s.SkipWithError("map failed");
        return;
    }
    std::vector<vaddr> addrs(4096);
    std::uint64_t rng = 0x9e37'79b9'7f4a'7c15;
    for (auto& v : addrs) v = va0 + xorshift(rng) % (64u << 20);
    for (auto _ : s) {
        paddr sum = 0;
        for (vaddr v : addrs) {  // (the flags too: unused, a compiler drops their decoding)
            const auto t = pt->query(v);
            sum += t->pa + std::uint64_t(t->flags);
        }
        benchmark::DoNotOptimize(sum);
    }
    s.SetItemsProcessed(s.iterations() * std::int64_t(addrs.size()));
    (void)pt->cursor().unmap_region(va0, 64u << 20);
}

template <class F>
void register_format() {
    auto reg = [](const std::string& name, auto fn) {
        benchmark::RegisterBenchmark(name.c_str(), fn)->Unit(benchmark::kNanosecond);
    };
    const std::string f = F::name;
    reg(f + "/one_cpu/map_unmap_flush", map_unmap_flush<one_cpu_table<F>>);
    reg(f + "/many_cpus/map_unmap_flush", map_unmap_flush<many_cpus_table<F>>);
    reg(f + "/one_cpu/churn", churn<one_cpu_table<F>>);
    reg(f + "/many_cpus/churn", churn<many_cpus_table<F>>);
    reg(f + "/one_cpu/query", query<one_cpu_table<F>>);
    reg(f + "/many_cpus/query", query<many_cpus_table<F>>);
}

}  // namespace

int main(int argc, char** argv) {
    init_pool(64 * 1024, true);
    register_format<x86_64::long_mode_4level>();
    register_format<riscv::sv39>();
    register_format<aarch64::stage1_4k_el1>();
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

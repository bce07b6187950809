// examples/common/kernel_checks.hpp: the checks every test kernel runs once its MMU is on with
// the compile-time tables, written once for every format.
//
// A kernel describes itself with a struct K:
//   using format = <ptgen format>;  using tlb = <the target's TLB policy>;
//   static constexpr const auto& layout, image;   the boot layout and the image linked
//   static const void* section();                  where boot_tables is linked
//   static constexpr ptgen::vaddr kernel_half;     VA of the kernel-half alias of RAM ...
//   static constexpr ptgen::paddr kernel_half_pa;  ... and the PA it starts at
//   static constexpr ptgen::vaddr test_va, huge_va; std::uint64_t huge_size;  run-time test VAs
//   static ptgen::paddr pool_base(), pool_end();   RAM for the frame allocator
//   static constexpr std::uint64_t walker_sets;    optional: entry bits the MMU sets itself
//   static constexpr std::uint64_t data_frame_align;  optional: alignment of the test's frames
//   static constexpr const char* no_fetch_fault;   optional: why the fetch-fault check is skipped
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <ptgen/boot.hpp>

#include "arch.hpp"
#include "checks.hpp"
#include "console.hpp"
#include "frames.hpp"
#include "probes.hpp"

namespace kernel {

inline volatile std::uint64_t& word(ptgen::paddr pa) {
    return *reinterpret_cast<volatile std::uint64_t*>(std::uintptr_t(pa));
}

// The boot tables in memory equal the image, but for bits the table walker sets itself (x86
// sets Accessed in the table entries it walks: K::walker_sets).
template <class K>
bool same_tables() {
    using E = typename std::remove_cvref_t<decltype(K::image)>::entry;
    E ignored = 0;
    if constexpr (requires { K::walker_sets; }) ignored = E(K::walker_sets);
    const auto* mem = static_cast<const volatile E*>(K::section());
    for (std::size_t i = 0; i < K::image.entries; ++i)
        if ((mem[i] & ~ignored) != (K::image.tables[i] & ~ignored)) return false;
    return true;
}

constinit inline frame_pool pool{};
constinit inline volatile std::uint64_t kernel_half_cell = 0;

template <class K>
[[noreturn]] void run_checks() {
    using F = typename K::format;
    using namespace ptgen::literals;
    constexpr const auto& image = K::image;
    tally t;

    println("ptgen test kernel ", F::name, ": MMU on, compile-time tables (", std::uint64_t(image.bytes),
            " bytes at ", hex{image.base}, ", 0 instructions spent building them)");

    // ---- boot: the compile-time tables are the ones the MMU walks ----------------------------
    t.check(arch::print_and_check_root_registers(),
            "boot: the root register(s) hold the compile-time image's values");
    t.check(std::uintptr_t(K::section()) == image.base,
            "boot: .ptgen.boot is linked at the layout's table_base");
    t.check(same_tables<K>(), "boot: the tables in memory are the compiler's image");
    const auto alias = [](ptgen::paddr pa) { return K::kernel_half + (pa - K::kernel_half_pa); };
    t.check(std::memcmp(reinterpret_cast<const void*>(std::uintptr_t(alias(image.base))),
                        reinterpret_cast<const void*>(std::uintptr_t(image.base)), image.bytes) == 0,
            "boot: the kernel half maps RAM (the boot tables read the same through it)");
    const ptgen::paddr cell = ptgen::paddr(std::uintptr_t(&kernel_half_cell));
    const bool stored = store_ok(alias(cell), 0x6b65'726e'656c'6861);  // "kernelha"
    bool ok = true;
    t.check(stored && kernel_half_cell == 0x6b65'726e'656c'6861,
            "boot: a store through the kernel half is seen through the identity map");

    // A guard region of the layout (a no-access leaf): mapped, but every access faults.
    const ptgen::boot::region* guard = nullptr;
    for (const auto& r : K::layout.regions)
        if (r.size != 0 && !ptgen::grants_access(r.attrs)) guard = &r;
    ok = guard && load_faults(guard->va + 8) && store_faults(guard->va + 16, 0x6775'6172'64) &&
         word(guard->pa + 16) != 0x6775'6172'64;
    t.check(ok && execute_faults(guard->va),
            "boot: the layout's guard region faults on read, write and fetch");

    // ---- run time: the boot tables adopted, the target's TLB maintenance --------------------
    pool.init(K::pool_base(), K::pool_end());
    auto pt = ptgen::boot::adopt<F>(image.root, image.base, image.bytes, frame_handler{&pool},
                                    typename K::tlb{});
    auto c = pt.cursor();
    const ptgen::vaddr va = K::test_va;
    // One page of the format (a granule of 4, 16 or 64 KiB), in frames of the pool.
    constexpr std::uint64_t page = ptgen::geometry_of<F>::min_page;
    constexpr std::size_t page_frames = std::size_t(page / frame_pool::frame);
    std::uint64_t frame_align = page;
    if constexpr (requires { K::data_frame_align; }) frame_align = K::data_frame_align;
    const ptgen::paddr a = *pool.alloc(page_frames, frame_align),
                       b = *pool.alloc(page_frames, frame_align),
                       x = *pool.alloc(page_frames, frame_align);
    word(a) = 0xaaaa'0000'0000'000a;
    word(b) = 0xbbbb'0000'0000'000b;

    ok = bool(c.map(va, a, page, ptgen::rw));
    c.flush();
    ok = ok && pt.query(va) && pt.query(va)->pa == a;
    ok = ok && load_ok(va, 0xaaaa'0000'0000'000a) && store_ok(va + 8, 0x1234'5678) &&
         load_ok(va + 8, 0x1234'5678) && word(a + 8) == 0x1234'5678;
    t.check(ok, "map: a fresh page reads and writes through its new mapping");

    ok = bool(c.remap(va, b, ptgen::rw));
    c.flush();
    ok = ok && load_ok(va, 0xbbbb'0000'0000'000b);
    t.check(ok, "remap: the page shows the new frame's contents");

    ok = true;
    for (int round = 0; round < 4; ++round) {  // TLB warm each time: read, remap, read again
        const ptgen::paddr from = round % 2 ? a : b, to = round % 2 ? b : a;
        ok = ok && load_ok(va, word(from));
        ok = ok && bool(c.remap(va, to, ptgen::rw));
        c.flush();
        ok = ok && load_ok(va, word(to));
    }
    t.check(ok, "TLB: read, remap, read again never sees the old frame (4 rounds)");

    // Memory types: the page uncached, then device, still reads and writes its frame (the
    // encodings are accepted: RISC-V Svpbmt's NC and IO, x86 PCD/PWT, MAIR indices, TEX/C/B,
    // MAT). QEMU has no caches, so the cached identity alias of the frame stays coherent.
    ok = true;
    for (const ptgen::flags type : {ptgen::flags::uncached, ptgen::flags::device}) {
        const std::uint64_t v = 0x7e57'0000'0000'0000 | std::uint64_t(type);
        ok = ok && bool(c.protect(va, ptgen::rw | type));
        c.flush();
        ok = ok && pt.query(va) && pt.query(va)->flags == F::effective(ptgen::rw | type);
        ok = ok && load_ok(va, word(b)) && store_ok(va + 24, v) && word(b + 24) == v;
    }
    ok = ok && bool(c.protect(va, ptgen::rw));
    c.flush();
    t.check(ok, "memory types: the page uncached, then device, reads and writes its frame");

    // A kernel whose format and machine have RAM above 4 GiB names a page of it (K::high_frame,
    // chosen so that its address cut to 32 bits lands where no RAM is): a store through a
    // mapping of it reads back, so the MMU used the output address's high bits.
    if constexpr (requires { K::high_frame; }) {
        ok = bool(c.remap(va, K::high_frame, ptgen::rw));
        c.flush();
        ok = ok && pt.query(va) && pt.query(va)->pa == K::high_frame;
        constexpr std::uint64_t v = 0x6869'6768'2034'3062;
        ok = ok && store_ok(va + 32, v) && load_ok(va + 32, v);
        ok = ok && bool(c.remap(va, b, ptgen::rw));
        c.flush();
        ok = ok && load_ok(va, word(b));
        t.check(ok, "high memory: a page above 4 GiB keeps what is stored through its mapping");
    }

    ok = store_ok(va + 16, 0x5555) && load_ok(va + 16, 0x5555);  // a writable translation is cached
    ok = ok && bool(c.protect(va, ptgen::r));
    c.flush();
    ok = ok && store_faults(va + 16, 0x6666) && load_ok(va + 16, 0x5555);
    t.check(ok, "protect: a read-only page takes the write fault at its address, data kept");

    // mprotect(PROT_NONE): the leaf keeps its frame and size, every access faults, and
    // protecting back shows the same data.
    const ptgen::paddr held = pt.query(va) ? pt.query(va)->pa : 0;
    ok = bool(c.protect(va, ptgen::no_access));
    c.flush();
    const auto parked = pt.query(va + 16);
    ok = ok && parked && parked->pa == held + 16 && parked->size == page &&
         !ptgen::grants_access(parked->flags);
    ok = ok && load_faults(va + 16) && store_faults(va + 16, 0x7777) && word(held + 16) == 0x5555;
    ok = ok && bool(c.protect(va, ptgen::rw));
    c.flush();
    ok = ok && load_ok(va + 16, 0x5555) && store_ok(va + 16, 0x5556) && word(held + 16) == 0x5556;
    t.check(ok, "no access: the page faults on read and write, keeps its frame; protected back, same data");

    const ptgen::vaddr xva = va + 0x10000 * (page > 0x10000 ? 2 : 1);  // another page
    arch::write_return_instruction(x);
    ok = bool(c.map(xva, x, page, ptgen::rx));
    c.flush();
    ok = ok && execute_ok(xva);
    t.check(ok, "execute: code in an rx page runs");
    // (a fetch from a no-access page is a translation fault: LoongArch's PIF is delivered
    // where its PNX is not, see no_fetch_fault)
    ok = bool(c.protect(xva, ptgen::no_access));
    c.flush();
    ok = ok && execute_faults(xva) && bool(c.protect(xva, ptgen::rx));
    c.flush();
    ok = ok && execute_ok(xva);
    t.check(ok, "no access: code in a protected-out page takes the fetch fault, runs again after");
    ok = bool(c.protect(xva, ptgen::rw));
    c.flush();
    if constexpr (has(F::effective(ptgen::rw), ptgen::flags::execute)) {
        // No execute-disable bit (i386 32-bit paging): the format says rw grants execute.
        ok = ok && execute_ok(xva) && load_ok(xva, word(x));
        t.check(ok, "execute off: the format cannot deny it, and an rw page runs code as effective() says");
    } else if constexpr (requires { K::no_fetch_fault; }) {
        // The emulator cannot deliver this fault (see the kernel's no_fetch_fault).
        t.skip("execute off: an rw page takes the fetch fault at its address", K::no_fetch_fault);
    } else {
        ok = ok && execute_faults(xva) && load_ok(xva, word(x));
        t.check(ok, "execute off: an rw page takes the fetch fault at its address");
    }

    ok = load_ok(va, word(b));  // va maps b after the 4 rounds
    const auto gone = c.unmap(va);
    const bool x_gone = bool(c.unmap(xva));
    c.flush();
    ok = ok && gone && gone->pa == b && x_gone && load_faults(va) && !pt.query(va);
    t.check(ok, "unmap: the page takes the read fault at its address");

    const std::uint64_t huge = K::huge_size, half = huge / 2;
    const ptgen::vaddr hva = K::huge_va;
    const auto hpa = pool.alloc(std::size_t(huge / frame_pool::frame), huge);
    ok = bool(hpa);
    const ptgen::paddr h = ok ? *hpa : 0;
    const std::uint64_t offsets[] = {0, 0x1238, half - 8, half, half + 0x2348, huge - 8};
    if (ok)
        for (std::uint64_t off : offsets) word(h + off) = 0x4855'4745'0000'0000 | off;  // "HUGE"
    ok = ok && bool(c.map(hva, h, huge, ptgen::rw));
    c.flush();
    ok = ok && pt.query(hva + 0x1238) && pt.query(hva + 0x1238)->size == huge &&
         pt.query(hva + 0x1238)->pa == h + 0x1238;
    for (std::uint64_t off : offsets) ok = ok && load_ok(hva + off, 0x4855'4745'0000'0000 | off);
    t.check(ok, "huge page: one leaf maps it; reads at offsets see the frame");

    ok = ok && store_ok(hva, 0x4855'4745'0000'0000) && store_ok(hva + half, 0x4855'4745'0000'0000 | half);
    ok = ok && bool(c.protect_region(hva, half, ptgen::r));
    c.flush();
    ok = ok && pt.query(hva) && pt.query(hva)->size == page && pt.query(hva + half) &&
         pt.query(hva + half)->size == page && pt.query(hva + half)->pa == h + half;
    ok = ok && store_faults(hva + 0x1238, 1) && store_ok(hva + half + 0x2348, 0x5e11);
    ok = ok && load_ok(hva + half + 0x2348, 0x5e11) && word(h + half + 0x2348) == 0x5e11;
    for (std::uint64_t off : {std::uint64_t{0}, std::uint64_t{0x1238}, half - 8, half, huge - 8})
        ok = ok && load_ok(hva + off, 0x4855'4745'0000'0000 | off);
    t.check(ok, "split: protecting half of the huge page splits it; first half read-only, second writable");

    // The boot guard protected back at run time (through the root that serves its half): its
    // frames read through it, then it is a guard again.
    const auto guard_round_trip = [guard](auto& gc) {
        bool done = bool(gc.protect_region(guard->va, guard->size, ptgen::rw | ptgen::global));
        gc.flush();
        done = done && load_ok(guard->va + guard->size - 8, word(guard->pa + guard->size - 8));
        done = done && bool(gc.protect_region(guard->va, guard->size, guard->attrs));
        gc.flush();
        return done && load_faults(guard->va + guard->size - 8);
    };
    if (guard && F::split_roots && (guard->va >> 63) != 0) {
        auto high_pt = ptgen::boot::adopt<F>(image.high_root, image.base, image.bytes,
                                             frame_handler{&pool}, typename K::tlb{},
                                             ptgen::root_half::high);
        auto hc = high_pt.cursor();
        ok = guard_round_trip(hc);
    } else {
        ok = guard && guard_round_trip(c);
    }
    t.check(ok, "guard: protected back it reads its frames, protected out again it faults");

    // collapse: the split page made whole again; the hardware walks the new huge leaf (the old
    // table, freed, is filled with leaves to another frame: a walk through it would show it).
    using E = typename F::entry_type;
    const auto to_table = ptgen::walker<F>::template descend<0, ptgen::geometry_of<F>::last - 1>(
        pt.engine(), pt.root_paddr(), hva);
    const ptgen::paddr old_table = F::address(to_table.raw, to_table.level);
    ok = to_table.kind == ptgen::entry_kind::table && bool(c.protect_region(hva, half, ptgen::rw));
    const auto collapsed = c.collapse(hva, huge);
    c.flush();
    ok = ok && collapsed && *collapsed == 1 && pt.query(hva + 0x1238) &&
         pt.query(hva + 0x1238)->size == huge;
    if (ok) {
        auto* stale = reinterpret_cast<volatile E*>(std::uintptr_t(old_table));
        for (std::size_t i = 0; i < F::levels[ptgen::geometry_of<F>::last].entries(); ++i)
            stale[i] = F::encode_leaf(a, ptgen::rw, ptgen::geometry_of<F>::last);
    }
    for (std::uint64_t off : offsets) ok = ok && load_ok(hva + off, word(h + off)) && word(h + off) != word(a + (off & (page - 1)));
    ok = ok && store_ok(hva + half + 8, 0xc011'a95e) && word(h + half + 8) == 0xc011'a95e;
    t.check(ok, "collapse: the split huge page made whole again reads and writes its frames through one leaf");

    const std::size_t data_frames = 3 * page_frames + (hpa ? std::size_t(huge / frame_pool::frame) : 0);
    ok = bool(c.unmap_region(hva, huge));
    c.flush();
    ok = ok && load_faults(hva + half) && pool.live() == data_frames;
    t.check(ok, "reclaim: unmapping everything frees every table the run-time part allocated");

    // Contiguous runs (formats with contiguous_leaves: AArch64's Contiguous bit): two runs of
    // pages mapped whole are marked and work; one page of the second made read-only (its
    // writable translation cached first) unmarks that run with break-before-make and faults
    // alone, the rest of both runs still writable.
    if constexpr (ptgen::runs_of<F>::any) {
        using runs = ptgen::runs_of<F>;
        constexpr std::uint64_t run = runs::at(ptgen::geometry_of<F>::last) * page;
        const auto marked = [&pt](ptgen::vaddr v) {
            const auto s = pt.engine().find_leaf(v);
            return s && runs::marked(s->raw, s->level);
        };
        ok = hpa && 2 * run <= huge && bool(c.map_linear(hva, h, 2 * run, ptgen::rw, false));
        c.flush();
        ok = ok && marked(hva) && marked(hva + 2 * run - page);
        for (std::uint64_t off = 0; ok && off < 2 * run; off += page) ok = load_ok(hva + off, word(h + off));
        const ptgen::vaddr ro = hva + run + page;
        ok = ok && store_ok(ro + 8, 0x636f'6e74'6967) && word(h + run + page + 8) == 0x636f'6e74'6967;
        ok = ok && bool(c.protect(ro, ptgen::r));
        c.flush();
        ok = ok && marked(hva) && !marked(hva + run) && !marked(hva + 2 * run - page);
        ok = ok && store_faults(ro + 8, 1) && load_ok(ro + 8, 0x636f'6e74'6967);
        ok = ok && store_ok(hva + run + 16, 2) && store_ok(hva + 2 * run - 8, 3) &&
             word(h + 2 * run - 8) == 3 && store_ok(hva + 8, 4) && word(h + 8) == 4;
        ok = ok && bool(c.unmap_region(hva, 2 * run));
        c.flush();
        ok = ok && load_faults(hva) && pool.live() == data_frames;
        t.check(ok, "contiguous runs: two runs mapped marked; one page made read-only unmarks its run and faults alone");
    }

    // ---- the same layout built at run time, in this guest -------------------------------------
    using runtime_table = ptgen::page_table<F, ptgen::handler_memory<frame_handler>, ptgen::no_tlb>;
    const auto memory = [] { return ptgen::handler_memory<frame_handler>(frame_handler{&pool}); };
    const auto map_half = [](runtime_table& rt, bool high_half) {
        auto rc = rt.cursor();
        bool done = true;
        for (const auto& r : K::layout.regions)
            if (r.size != 0 && (!F::split_roots || ((r.va >> 63) != 0) == high_half))
                done = done && bool(rc.map_linear(r.va, r.pa, r.size, r.attrs, r.allow_huge));
        return done;
    };
    const std::uint64_t t0 = arch::instructions();
    auto low = runtime_table::create(memory());
    ok = low && map_half(*low, false);
    auto high = F::split_roots ? runtime_table::create(memory())
                               : ptgen::result<runtime_table>(ptgen::fail(ptgen::error::no_memory));
    if (F::split_roots) ok = ok && high && map_half(*high, true);
    const std::uint64_t t1 = arch::instructions();
    const std::uint64_t runtime_instructions = t1 - t0;
    const auto bytes_of = [](const runtime_table& rt) {
        std::size_t bytes = ptgen::geometry_of<F>::root_footprint;
        rt.walk(~std::size_t{0}, [&](const auto& e) {
            if (e.kind == ptgen::entry_kind::table) bytes += F::levels[e.level + 1].table_bytes();
        });
        return bytes;
    };
    const std::size_t runtime_bytes =
        ok ? bytes_of(*low) + (F::split_roots ? bytes_of(*high) : 0) : 0;
    for (const auto& r : K::layout.regions) {
        if (r.size == 0 || !ok) continue;
        const auto& rt = (F::split_roots && (r.va >> 63) != 0) ? *high : *low;
        for (std::uint64_t off : {std::uint64_t{0}, r.size / 2, r.size - 8}) {
            const auto want = ptgen::translate(image, r.va + off);
            const auto got = rt.query(r.va + off);
            ok = ok && want && got && *want == *got;
        }
    }
    ok = ok && runtime_bytes == image.bytes;
    t.check(ok, "run-time build: the boot layout built at run time translates like the image, same table bytes");

    println("run-time build of the boot layout: ", runtime_instructions, " instructions (",
            arch::counter_name, "), ", std::uint64_t(runtime_bytes), " bytes of tables");
    print("ptgen-stats format=");
    print(F::name);
#if defined(PTGEN_KERNEL_BREAK_PTE)
    print("+broken-pte");  // the test-only variant: one boot-table leaf wrong
#endif
    println(" checks=", t.passed(), "/", t.total(), " skipped=", t.skipped(),
            " boot_table_bytes=", std::uint64_t(image.bytes),
            " boot_build_instructions=0 runtime_build_instructions=", runtime_instructions,
            " runtime_table_bytes=", std::uint64_t(runtime_bytes));
    print("ptgen-counter ");
    println(arch::counter_name);
    println("ptgen-kernel: ", t.passed(), "/", t.total(), " checks passed, ", t.skipped(), " skipped");
    println(t.all_passed() ? "ptgen-kernel: PASS" : "ptgen-kernel: FAIL");
    arch::exit(t.all_passed(), t.total() - t.passed());
}

}  // namespace kernel

// tests/fuzz/harness.hpp: differential fuzzing of the engine, one format per target.
//
// The input bytes choose how the first table starts (created, or adopted from boot tables
// the engine built into a static_arena) and a sequence of operations on it and on a second
// table it may borrow root entries from (copy_from): map, map_region (with and without huge
// pages, linear or scattered physical addresses), map_linear, remap, protect,
// protect_region, unmap, unmap_region (those two also with skip_holes), query, copy_from,
// flush, collapse, fork (fork_copy into a new table, shared or copy-on-write), any of them
// with the k-th allocation failing; flags include no access. Addresses come from windows
// around huge-page boundaries, the bottom and the top of the address space and the
// non-canonical hole.
//
// Every call is checked against a reference model (4 KiB pages, kept as runs) that predicts
// success or the error, and after every call the raw tables are walked:
//   - every present entry decodes, re-encodes to the same bits (a contiguous run's mark
//     included: core/contiguous_runs.hpp, each run whole and eligible), and is aligned; empty
//     entries are all-zero; leaves sit only where the geometry allows them;
//   - no table is reachable twice, no table below a root is empty;
//   - the set of table frames equals the frames the handler has handed out and not got back
//     (boot frames aside), and no frame was freed twice;
//   - the leaves translate exactly what the model holds, and query() agrees with the model
//     for sampled addresses (outside the space too);
//   - a failed call changed nothing (the bytes of every live frame, the set of live
//     frames, the TLB log, the cursor's pending flushes);
//   - at each flush, every translation that changed was invalidated (flush_all, or
//     flush_page of an address inside the old page).
// Any violation aborts with the operation that broke it (libFuzzer saves the input).
// PTGEN_FUZZ_TRACE=1 prints every operation.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include <ptgen/boot/adopt.hpp>
#include <ptgen/ptgen.hpp>

#include "../support/frame_pool.hpp"

namespace ptgen::fuzz {

inline char context[512];  // the operation under way, printed when a check fails

#define PTGEN_FUZZ_CHECK(cond)                                                              \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            std::fprintf(stderr, "ptgen fuzz: check failed at %s:%d: %s\n  during: %s\n",    \
                         __FILE__, __LINE__, #cond, ::ptgen::fuzz::context);                \
            std::abort();                                                                   \
        }                                                                                   \
    } while (false)

// Outcomes per operation kind (PTGEN_FUZZ_STATS=1 prints them at exit): [kind][0] successes,
// [kind][1 + error] failures.
inline unsigned long stats[16][8];
inline void print_stats() {
    static const char* names[] = {"map", "map_region", "map_linear", "remap", "protect",
                                  "protect_region", "unmap", "unmap_region", "query",
                                  "copy_from", "flush", "collapse", "fork"};
    for (unsigned k = 0; k < 13; ++k) {
        std::fprintf(stderr, "%-15s ok %8lu", names[k], stats[k][0]);
        for (unsigned e = 0; e < 7; ++e)
            if (stats[k][1 + e]) std::fprintf(stderr, "  %s %lu", to_string(error(e)), stats[k][1 + e]);
        std::fprintf(stderr, "\n");
    }
}
inline bool stats_wanted() {
    static const bool on = [] {
        const bool want = std::getenv("PTGEN_FUZZ_STATS") != nullptr;
        if (want) std::atexit(print_stats);
        return want;
    }();
    return on;
}

inline bool tracing() {
    static const bool on = std::getenv("PTGEN_FUZZ_TRACE") != nullptr;
    return on;
}

// Reads the input front to back; past the end every byte is 0.
class input {
public:
    input(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}
    bool empty() const { return n_ == 0; }
    std::uint8_t u8() {
        if (n_ == 0) return 0;
        --n_;
        return *p_++;
    }
    std::uint16_t u16() {
        const std::uint16_t lo = u8();
        return std::uint16_t(lo | (std::uint16_t(u8()) << 8));
    }

private:
    const std::uint8_t* p_;
    std::size_t n_;
};

// ---- the reference model: runs of 4 KiB pages, keyed by table address ----------------

struct run {
    std::uint64_t size;
    paddr pa;  // of the run's first byte; pages follow linearly (mod 2^64)
    flags f;
};
struct piece {
    vaddr key;
    std::uint64_t size;
    paddr pa;
    flags f;
};

class model {
public:
    std::uint64_t total() const { return total_; }

    bool all_free(vaddr k, std::uint64_t size) const {
        auto it = first_touching(k);
        return it == runs_.end() || it->first > k + (size - 1);
    }
    bool all_mapped(vaddr k, std::uint64_t size) const {
        const vaddr last = k + (size - 1);
        vaddr next = k;
        for (auto it = first_touching(k); it != runs_.end(); ++it) {
            if (it->first > next) return false;
            const vaddr run_last = it->first + (it->second.size - 1);
            if (run_last >= last) return true;
            next = run_last + 1;
        }
        return false;
    }
    // Does [k, k + size) translate linearly to pa.. with flags f?
    bool maps_linearly(vaddr k, std::uint64_t size, paddr pa, flags f) const {
        const vaddr last = k + (size - 1);
        vaddr next = k;
        for (auto it = first_touching(k); it != runs_.end(); ++it) {
            if (it->first > next || it->second.f != f) return false;
            if (it->second.pa + (next - it->first) != pa + (next - k)) return false;
            const vaddr run_last = it->first + (it->second.size - 1);
            if (run_last >= last) return true;
            next = run_last + 1;
        }
        return false;
    }
    std::optional<std::pair<paddr, flags>> find(vaddr k) const {
        auto it = first_touching(k);
        if (it == runs_.end() || it->first > k) return std::nullopt;
        return std::pair{it->second.pa + (k - it->first), it->second.f};
    }
    std::vector<piece> pieces(vaddr k, std::uint64_t size) const {
        std::vector<piece> out;
        const vaddr last = k + (size - 1);
        for (auto it = first_touching(k); it != runs_.end() && it->first <= last; ++it) {
            const vaddr first = std::max(it->first, k);
            const vaddr run_last = it->first + (it->second.size - 1);
            const vaddr end = std::min(run_last, last);
            out.push_back({first, end - first + 1, it->second.pa + (first - it->first), it->second.f});
        }
        return out;
    }
    void carve(vaddr k, std::uint64_t size) {
        const vaddr last = k + (size - 1);
        auto it = first_touching(k);
        while (it != runs_.end() && it->first <= last) {
            const vaddr start = it->first;
            const run r = it->second;
            const vaddr run_last = start + (r.size - 1);
            it = runs_.erase(it);
            total_ -= r.size;
            if (start < k) {
                runs_.emplace(start, run{k - start, r.pa, r.f});
                total_ += k - start;
            }
            if (run_last > last) {
                runs_.emplace(last + 1, run{run_last - last, r.pa + (last + 1 - start), r.f});
                total_ += run_last - last;
            }
        }
    }
    void insert(vaddr k, std::uint64_t size, paddr pa, flags f) {
        carve(k, size);
        runs_.emplace(k, run{size, pa, f});
        total_ += size;
    }
    void protect(vaddr k, std::uint64_t size, flags f) {
        for (const piece& p : pieces(k, size)) insert(p.key, p.size, p.pa, f);
    }

    const std::map<vaddr, run>& runs() const { return runs_; }

private:
    std::map<vaddr, run>::const_iterator first_touching(vaddr k) const {
        auto it = runs_.lower_bound(k);
        if (it != runs_.begin()) {
            auto prev = std::prev(it);
            if (prev->first + (prev->second.size - 1) >= k) return prev;
        }
        return it;
    }

    std::map<vaddr, run> runs_;
    std::uint64_t total_ = 0;
};

// ---- TLB policy that records what it is asked ------------------------------------------

struct tlb_log {
    std::vector<vaddr> pages;
    std::size_t full = 0;
};
template <bool BreakBeforeMake>
struct recording_tlb {
    static constexpr bool break_before_make = BreakBeforeMake;
    tlb_log* log;
    void flush_page(vaddr va) const { log->pages.push_back(va); }
    void flush_all() const { ++log->full; }
};

// Arm formats require break-before-make: exercise that path there.
template <class F>
inline constexpr bool wants_break_before_make = requires { F::sctlr_mmu_bits; };

// What the harness expects of a call: success, or one of a few errors.
struct expect {
    bool ok = true;
    std::vector<error> allowed{};
    static expect success() { return {}; }
    static expect failure(std::initializer_list<error> e) { return {false, e}; }
    bool allows(error e) const { return std::find(allowed.begin(), allowed.end(), e) != allowed.end(); }
};

struct outcome {
    bool ok;
    error err;
};
template <class R>
outcome outcome_of(const R& r) {
    return {r.has_value(), r.has_value() ? error{} : r.err()};
}

// Physical addresses of a mapping: v + delta, plus k in every odd chunk (scattered runs).
struct pa_fn {
    std::uint64_t delta = 0;
    std::uint64_t chunk = 0;  // 0: linear
    std::uint64_t k = 0;
    paddr operator()(vaddr v) const { return v + delta + ((chunk && ((v / chunk) & 1)) ? k : 0); }
};

template <class F>
class session {
public:
    using geo = geometry_of<F>;
    using entry = typename F::entry_type;
    using handler = test::pool_handler;
    using memory = handler_memory<handler>;
    using tlb = recording_tlb<wants_break_before_make<F>>;
    using table = page_table<F, memory, tlb>;
    // 4 KiB frames of a table below the root (1, or 4 and 16 with the 16 and 64 KiB granules):
    // the arena, the pool and the margin scale by it.
    static constexpr std::size_t table_frames = (F::levels[geo::depth - 1].table_bytes() + 4095) / 4096;
    using arena = static_arena<F, 64 * 4096 * table_frames>;

    static constexpr std::uint64_t page = geo::min_page;
    static constexpr unsigned depth = unsigned(geo::depth);
    static constexpr unsigned key_bits = F::levels[0].shift + F::levels[0].index_bits;
    static constexpr std::uint64_t root_span = F::levels[0].span();
    static constexpr std::size_t root_entries = F::levels[0].entries();
    static constexpr paddr pool_base = 0x8000'0000;
    static constexpr std::size_t pool_frames = 320 * table_frames;
    static constexpr std::size_t margin = 48 * table_frames;  // frames one call may need at most
    static constexpr std::uint64_t leaf_limit = 4096;  // leaves one call may write at most

    // Table address of va: the VA bits the root indexes (AArch64 EL1: both halves alias).
    static constexpr vaddr key(vaddr va) { return va & low_mask(key_bits); }

    explicit session(const std::uint8_t* data, std::size_t size) : in_(data, size) {
        for (unsigned l = depth; l-- > 0;)
            if (F::levels[l].leaf_allowed) spans_.push_back(geo::span(l));
        smallest_huge_ = spans_.size() > 1 ? spans_[1] : page;
        largest_ = spans_.back();
        vaddr hole = vaddr{1} << 63;
        for (vaddr c : {vaddr{1} << (F::va_bits - 1), vaddr{1} << F::va_bits})
            if (!F::va_valid(c)) {
                hole = c;
                break;
            }
        units_ = {page, smallest_huge_, largest_, root_span};
        anchors_ = {0,
                    smallest_huge_,
                    largest_,
                    root_span,
                    vaddr{1} << 30,
                    vaddr{1} << 32,
                    hole,
                    vaddr{0} - hole,
                    vaddr{1} << 63,
                    vaddr{0} - largest_,
                    hole - root_span,
                    2 * root_span,
                    vaddr{1} << 39,
                    vaddr{0} - hole + root_span,
                    4 * largest_,
                    vaddr{0} - root_span};
        a_.borrowed.assign(root_entries, false);
        k_.borrowed.assign(root_entries, false);
        a_.frozen.assign(root_entries, false);
        k_.frozen.assign(root_entries, false);
    }

    void run() {
        const std::uint8_t header = in_.u8();
        trace("header %02x", header);
        if (header & 1) start_adopted(1 + ((header >> 2) & 3));
        else start_created(a_, false);
        start_created(k_, header & 2);
        walk(a_);
        walk(k_);
        check_frames();
        std::size_t n = 0;
        while (!in_.empty() && n < 96) one_op(n++);
        finish();
    }

private:
    struct tree {
        struct leaf {
            vaddr key;
            std::uint64_t size;
            paddr pa;
            flags f;
        };
        std::vector<leaf> leaves;                          // in key order
        std::vector<std::pair<paddr, unsigned>> tables;    // owned here (not borrowed), with root
        const leaf* find(vaddr k) const {
            auto it = std::upper_bound(leaves.begin(), leaves.end(), k,
                                       [](vaddr x, const leaf& l) { return x < l.key; });
            if (it == leaves.begin()) return nullptr;
            --it;
            return k - it->key < it->size ? &*it : nullptr;
        }
    };
    using leaf = typename tree::leaf;

    struct side {
        explicit side(const char* n) : name(n) {}
        const char* name;
        std::optional<table> pt;
        model m;
        tlb_log log;
        std::vector<bool> borrowed;  // root entries copied from the other table
        std::vector<bool> frozen;    // root entries lent to the other table: never changed
        tree now;                    // the last walk
        std::vector<leaf> at_flush;  // leaves at the last TLB flush
    };

    input in_;
    test::frame_pool pool_{pool_frames, pool_base};
    side a_{"A"}, k_{"K"};
    std::optional<cursor<table>> cur_;  // A's cursor, kept open across calls when asked
    std::set<paddr> boot_frames_;
    paddr boot_base_ = 0;
    std::uint64_t boot_bytes_ = 0;
    std::vector<std::uint64_t> spans_;  // leaf spans, smallest first
    std::uint64_t smallest_huge_ = 0, largest_ = 0;
    std::vector<std::uint64_t> units_;
    std::vector<vaddr> anchors_;

    template <class... A>
    void trace(const char* fmt, A... a) {
        std::snprintf(context, sizeof context, fmt, a...);
        if (tracing()) std::fprintf(stderr, "%s\n", context);
    }

    // ---- setup -------------------------------------------------------------------------

    void start_created(side& s, bool fail_first) {
        if (fail_first) {
            const auto live = pool_.live();
            pool_.fail_after(1);
            auto r = table::create(memory(handler{&pool_}), tlb{&s.log});
            pool_.fail_after(0);
            PTGEN_FUZZ_CHECK(r.is(error::no_memory));
            PTGEN_FUZZ_CHECK(pool_.live() == live);
        }
        auto r = table::create(memory(handler{&pool_}), tlb{&s.log});
        PTGEN_FUZZ_CHECK(r.has_value());
        s.pt.emplace(std::move(*r));
    }

    // Boot tables built by the engine into a static_arena linked at the pool's base (the path
    // boot::build takes), copied into "RAM" and adopted.
    void start_adopted(unsigned regions) {
        auto ar = std::make_unique<arena>(pool_base);
        const paddr root = *ar->allocate_table(F::levels[0]);
        engine<F, arena> e(*ar, root);
        free_at_once<arena, F> sink{*ar};
        for (unsigned i = 0; i < regions; ++i) {
            const auto o = decode(0x02);  // a map_linear
            trace("boot region %u: va %#llx size %#llx pa %#llx flags %#x huge %d", i,
                  (unsigned long long)o.va, (unsigned long long)o.size,
                  (unsigned long long)o.pa(o.va), unsigned(o.f), int(o.huge));
            if (estimate_leaves(o) > leaf_limit) continue;
            const expect ex = expect_map_linear(a_, o);
            const auto r = outcome_of(e.map_linear(o.va, o.pa(o.va), o.size, o.f, o.huge, sink));
            if (r.ok) PTGEN_FUZZ_CHECK(ex.ok);
            else if (r.err == error::no_memory) PTGEN_FUZZ_CHECK(ex.ok);
            else PTGEN_FUZZ_CHECK(!ex.ok && ex.allows(r.err));
            if (r.ok) a_.m.insert(key(o.va), o.size, o.pa(o.va), F::effective(o.f));
        }
        boot_bytes_ = ar->high_water_bytes();
        const std::size_t frames = (boot_bytes_ + 4095) / 4096;
        PTGEN_FUZZ_CHECK(pool_.alloc(frames, 4096) == std::optional<paddr>(pool_base));
        std::memcpy(pool_.to_virt(pool_base), ar->storage().data(), boot_bytes_);
        for (std::size_t f = 0; f < frames; ++f) boot_frames_.insert(pool_base + f * 4096);
        boot_base_ = pool_base;
        a_.pt.emplace(boot::adopt<F>(root, pool_base, boot_bytes_, handler{&pool_}, tlb{&a_.log}));
    }

    // ---- operations --------------------------------------------------------------------

    enum op_kind : unsigned {
        op_map, op_map_region, op_map_linear, op_remap, op_protect, op_protect_region, op_unmap,
        op_unmap_region, op_query, op_copy_from, op_flush, op_collapse, op_fork, op_kinds
    };
    static constexpr const char* kind_names[op_kinds] = {
        "map", "map_region", "map_linear", "remap", "protect", "protect_region", "unmap",
        "unmap_region", "query", "copy_from", "flush", "collapse", "fork"};

    struct op {
        unsigned kind;
        bool on_k, keep_cursor;
        unsigned fault;  // fail the fault-th allocation (0: none)
        vaddr va;
        std::uint64_t size;
        pa_fn pa;
        bool misaligned_pa;
        flags f;
        bool huge;
    };

    // The virtual address whose table address is k (the low half where both alias).
    static vaddr from_key(vaddr k) {
        return F::va_valid(k) ? k : k | ~low_mask(key_bits);
    }

    // Nine bytes an operation: opcode, window, offset (2), size, unit/pa mode/huge, pa
    // parameter, flags, fault. The window's top bits: 00/01 an anchor + offset x unit, 10 an
    // existing mapping of the table (offset's low byte picks the run, its high byte moves
    // from its start; size 0 then means "to the run's end"), 11 an anchor, half a page off.
    op decode(std::uint8_t opcode) {
        op o{};
        o.kind = (opcode & 0x0f) % op_kinds;
        o.on_k = opcode & 0x80;
        o.keep_cursor = opcode & 0x40;
        const std::uint8_t window = in_.u8();
        const std::uint16_t offset = in_.u16();
        const std::uint8_t size = in_.u8();
        const std::uint8_t mode = in_.u8();
        const std::uint8_t param = in_.u8();
        const std::uint8_t fl = in_.u8();
        const std::uint8_t fault = in_.u8();
        o.fault = (opcode & 0x20) ? 1 + fault % 8 : 0;

        const std::uint64_t unit = units_[(window >> 4) & 3];
        const model& m = (o.on_k || o.kind == op_copy_from) ? k_.m : a_.m;
        std::uint64_t run_left = 0;
        if ((window & 0xc0) == 0x80 && m.total() != 0) {
            const auto& runs = m.runs();
            auto it = runs.begin();
            std::advance(it, std::ptrdiff_t((offset & 0xff) % runs.size()));
            const std::uint64_t move = std::uint64_t(std::int64_t(std::int8_t(offset >> 8))) * unit;
            o.va = from_key(it->first) + move;
            run_left = it->second.size - move;
        } else {
            o.va = anchors_[window & 15] + std::uint64_t(std::int64_t(std::int16_t(offset))) * unit;
            if ((window & 0xc0) == 0xc0) o.va += page / 2;
        }

        const std::uint64_t count = size & 0x3f;
        std::uint64_t bytes = o.kind == op_map ? spans_[count % spans_.size()]
                              : count == 0 && run_left != 0 ? run_left
                                                             : count * units_[mode & 3];
        switch (size >> 6) {
            case 1: bytes += page; break;
            case 2: bytes -= page; break;
            case 3: bytes += page / 2; break;
            default: break;
        }
        o.size = bytes;
        o.huge = mode & 0x20;

        const std::uint64_t p = param;
        const std::uint64_t pa_top = std::uint64_t{1} << (F::pa_bits < 64 ? F::pa_bits : 63);
        switch ((mode >> 2) & 7) {
            case 0: o.pa.delta = (p % 16) * largest_; break;
            case 1: o.pa.delta = p * smallest_huge_; break;
            case 2: o.pa.delta = p * page; break;
            case 3: o.pa.delta = (p & 0x3f) * units_[p >> 6] - o.va; break;      // absolute pa
            case 4: o.pa.delta = pa_top - ((p & 0x3f) + 1) * units_[p >> 6] - o.va; break;
            case 5:                                                               // scattered
                o.pa.delta = (p % 16) * largest_;
                // Huge leaves assume contiguous runs: chunks never smaller than a leaf then.
                o.pa.chunk = o.huge ? largest_ : (p & 0x10 ? page : smallest_huge_);
                o.pa.k = 16 * largest_;
                break;
            case 6: o.pa.delta = p * page + page / 2; break;                     // misaligned
            case 7: o.pa.delta = vaddr{0} - (p + 1) * page - o.va; break;        // wraps
        }
        // Flags: any 7 bits when the top bit is set, else a set the format accepts (no access
        // included).
        o.f = flags(fl & 0x7f);
        if (!(fl & 0x80)) {
            if (has(o.f, flags::device | flags::uncached)) o.f &= ~flags::uncached;
            if (!F::accepts(o.f)) o.f &= ~flags::user;
        }
        o.misaligned_pa = !is_aligned(o.pa(o.va), page);
        return o;
    }

    // ---- expectations: the documented rules, in the order the calls check them ---------

    static bool range_ok(vaddr va, std::uint64_t size) {
        const vaddr last = va + (size - 1);
        return last >= va && F::va_valid(va) && F::va_valid(last) && ((last - va) >> F::va_bits) == 0;
    }
    static bool page_aligned_range(vaddr va, std::uint64_t size) {
        return size != 0 && is_aligned(va, page) && is_aligned(size, page);
    }
    // The cursor refuses any call whose range (valid for the format) touches a root entry
    // borrowed by copy_from (after root_entries steps every entry has been seen).
    static bool touches(const std::vector<bool>& b, vaddr va, std::uint64_t size) {
        if (size == 0 || !range_ok(va, size)) return false;
        const vaddr last = va + (size - 1);
        std::size_t n = 0;
        for (vaddr v = va;; v = (v | (root_span - 1)) + 1) {
            if (b[F::levels[0].index_of(v)]) return true;
            if ((v | (root_span - 1)) >= last || ++n == root_entries) return false;
        }
    }
    // Are the physical addresses of [va, va + size) all inside the format's range?
    bool pa_range_ok(const op& o) const {
        auto segment_ok = [](paddr first, std::uint64_t len) {
            const paddr last = first + (len - 1);
            return last >= first && geo::pa_valid(first) && geo::pa_valid(last);
        };
        if (!o.pa.chunk) return segment_ok(o.pa(o.va), o.size);
        const vaddr last = o.va + (o.size - 1);
        for (vaddr v = o.va;;) {
            const vaddr chunk_last = std::min(last, v | (o.pa.chunk - 1));
            if (!segment_ok(o.pa(v), chunk_last - v + 1)) return false;
            if (chunk_last == last) return true;
            v = chunk_last + 1;
        }
    }

    expect expect_map(const side& s, const op& o) const {
        const paddr pa = o.pa(o.va);
        if (touches(s.borrowed, o.va, o.size)) return expect::failure({error::borrowed_range});
        if (geo::leaf_level_for(o.size) < 0) return expect::failure({error::not_aligned});
        if (!is_aligned(o.va, o.size) || !is_aligned(pa, o.size))
            return expect::failure({error::not_aligned});
        if (!F::accepts(o.f)) return expect::failure({error::invalid_flags});
        if (!range_ok(o.va, o.size)) return expect::failure({error::out_of_range});
        if (pa + (o.size - 1) < pa || !geo::pa_valid(pa) || !geo::pa_valid(pa + (o.size - 1)))
            return expect::failure({error::out_of_range});
        if (!s.m.all_free(key(o.va), o.size)) {
            const leaf* l = s.now.find(key(o.va));
            return expect::failure({l && l->size > o.size ? error::mapped_to_huge_page
                                                          : error::already_mapped});
        }
        return expect::success();
    }
    expect expect_map_linear(const side& s, const op& o) const {
        const paddr pa = o.pa(o.va);
        if (touches(s.borrowed, o.va, o.size)) return expect::failure({error::borrowed_range});
        if (!F::accepts(o.f)) return expect::failure({error::invalid_flags});
        if (!page_aligned_range(o.va, o.size)) return expect::failure({error::not_aligned});
        if (!range_ok(o.va, o.size)) return expect::failure({error::out_of_range});
        if (!is_aligned(pa, page)) return expect::failure({error::not_aligned});
        if (pa + (o.size - 1) < pa || !geo::pa_valid(pa) || !geo::pa_valid(pa + (o.size - 1)))
            return expect::failure({error::out_of_range});
        if (!s.m.all_free(key(o.va), o.size)) return expect::failure({error::already_mapped});
        return expect::success();
    }
    expect expect_map_region(const side& s, const op& o) const {
        if (touches(s.borrowed, o.va, o.size)) return expect::failure({error::borrowed_range});
        if (!F::accepts(o.f)) return expect::failure({error::invalid_flags});
        if (!page_aligned_range(o.va, o.size)) return expect::failure({error::not_aligned});
        if (!range_ok(o.va, o.size)) return expect::failure({error::out_of_range});
        // Past the range rules the first problem met in address order wins.
        expect ex;
        if (!s.m.all_free(key(o.va), o.size)) ex.allowed.push_back(error::already_mapped);
        if (o.misaligned_pa) ex.allowed.push_back(error::not_aligned);
        else if (!pa_range_ok(o)) ex.allowed.push_back(error::out_of_range);
        ex.ok = ex.allowed.empty();
        return ex;
    }
    expect expect_modify(const side& s, const op& o, bool protect, bool skip_holes) const {
        if (touches(s.borrowed, o.va, o.size)) return expect::failure({error::borrowed_range});
        if (protect && !F::accepts(o.f)) return expect::failure({error::invalid_flags});
        if (!page_aligned_range(o.va, o.size)) return expect::failure({error::not_aligned});
        if (!range_ok(o.va, o.size)) return expect::failure({error::out_of_range});
        if (!skip_holes && !s.m.all_mapped(key(o.va), o.size)) return expect::failure({error::not_mapped});
        return expect::success();
    }
    // remap, protect, unmap of the page that maps va.
    expect expect_one(const side& s, const op& o, bool needs_flags, const paddr* pa) const {
        if (touches(s.borrowed, o.va, 1)) return expect::failure({error::borrowed_range});
        if (needs_flags && !F::accepts(o.f)) return expect::failure({error::invalid_flags});
        if (!F::va_valid(o.va)) return expect::failure({error::out_of_range});
        if (!s.m.find(key(o.va))) return expect::failure({error::not_mapped});
        if (pa) {
            const leaf* l = s.now.find(key(o.va));
            PTGEN_FUZZ_CHECK(l != nullptr);
            if (!is_aligned(*pa, l->size)) return expect::failure({error::not_aligned});
            if (!geo::pa_valid(*pa)) return expect::failure({error::out_of_range});
        }
        return expect::success();
    }
    expect expect_collapse(const side& s, const op& o) const {
        if (touches(s.borrowed, o.va, o.size)) return expect::failure({error::borrowed_range});
        if (!page_aligned_range(o.va, o.size)) return expect::failure({error::not_aligned});
        if (!range_ok(o.va, o.size)) return expect::failure({error::out_of_range});
        return expect::success();
    }
    // fork_copy of s's range into a new table (copy_on_write with the op's huge bit).
    expect expect_fork(const side& s, const op& o, bool cow) const {
        if (!page_aligned_range(o.va, o.size)) return expect::failure({error::not_aligned});
        if (!range_ok(o.va, o.size)) return expect::failure({error::out_of_range});
        if (touches(s.borrowed, o.va, o.size)) return expect::failure({error::borrowed_range});
        if (cow && (cut_at(s, o.va, true) || cut_at(s, o.va + (o.size - 1), false)))
            return expect::failure({error::not_aligned});
        return expect::success();
    }
    // Does a leaf of s cross the range boundary at va (its first byte, or its last)?
    bool cut_at(const side& s, vaddr va, bool first_byte) const {
        const leaf* l = s.now.find(key(va));
        return l && (first_byte ? l->key != key(va) : l->key + (l->size - 1) != key(va));
    }
    // 4 KiB leaves a fork writes for the parts of huge leaves the range cuts.
    std::uint64_t cut_leaves(const side& s, const op& o) const {
        std::uint64_t n = 0;
        const vaddr first = key(o.va), last = key(o.va + (o.size - 1));
        for (const leaf* l : {s.now.find(first), s.now.find(last)}) {
            if (!l) continue;
            const vaddr from = std::max(l->key, first), to = std::min(l->key + (l->size - 1), last);
            if (from != l->key || to != l->key + (l->size - 1)) n += (to - from + 1) / page;
        }
        return n;
    }
    expect expect_copy_from(const op& o) const {
        if (o.size == 0 || !is_aligned(o.va, root_span) || !is_aligned(o.size, root_span))
            return expect::failure({error::not_aligned});
        if (!range_ok(o.va, o.size)) return expect::failure({error::out_of_range});
        if (!a_.m.all_free(key(o.va), o.size)) return expect::failure({error::already_mapped});
        return expect::success();
    }

    // Leaves a map would write (the greedy tiling), to keep every call cheap.
    std::uint64_t estimate_leaves(const op& o) const {
        if (!page_aligned_range(o.va, o.size) || !range_ok(o.va, o.size)) return 0;
        if (!o.huge) return o.size / page;
        const std::uint64_t delta = o.pa(o.va) - o.va;
        std::uint64_t n = 0;
        for (vaddr v = o.va, left = o.size; left != 0 && n <= leaf_limit; ++n) {
            std::uint64_t s = page;
            for (std::uint64_t c : spans_)
                if (is_aligned(v, c) && is_aligned(delta, c) && c <= left) s = c;
            v += s;
            left -= s;
        }
        return n;
    }

    // Runs a mutating call and checks its outcome against ex; a failed call must change
    // nothing. A call that failed only for an injected fault is run again without it.
    // The bytes of every frame handed out (both tables, boot tables included): what a failed
    // call must leave exactly as it was.
    struct memory_image {
        std::set<paddr> frames;
        std::vector<std::byte> bytes;
        friend bool operator==(const memory_image&, const memory_image&) = default;
    };
    void image(memory_image& m) const {
        m.frames = pool_.live();
        m.bytes.resize(m.frames.size() * 4096);
        std::size_t at = 0;
        for (paddr f : m.frames) {
            std::memcpy(m.bytes.data() + at, pool_.to_virt(f), 4096);
            at += 4096;
        }
    }
    memory_image image() const {
        memory_image m;
        image(m);
        return m;
    }

    // Runs a mutating call and checks its outcome against ex; a failed call must change
    // nothing. A call that failed only for an injected fault is run again without it.
    memory_image before_;  // reused: no allocation per call

    template <class Attempt>
    outcome checked(side& s, const op& o, const expect& ex, Attempt&& attempt) {
        image(before_);
        const memory_image& before = before_;
        const auto log_pages = s.log.pages.size();
        const auto log_full = s.log.full;
        const std::size_t pending = cur_ ? cur_->pending() : 0;
        const bool full_pending = cur_ ? cur_->full_flush_pending() : false;
        auto unchanged = [&] {
            PTGEN_FUZZ_CHECK(image() == before);
            PTGEN_FUZZ_CHECK(pool_.bad_frees() == 0);
            PTGEN_FUZZ_CHECK(s.log.pages.size() == log_pages && s.log.full == log_full);
            if (cur_) {
                PTGEN_FUZZ_CHECK(cur_->pending() == pending);
                PTGEN_FUZZ_CHECK(cur_->full_flush_pending() == full_pending);
            }
        };
        const bool exhausted = pool_.live_frames() + margin > pool_frames;
        if (o.fault) pool_.fail_after(o.fault);
        outcome r = attempt();
        pool_.fail_after(0);
        if (stats_wanted()) ++stats[o.kind][r.ok ? 0 : 1 + unsigned(r.err)];
        if (r.ok) {
            PTGEN_FUZZ_CHECK(ex.ok);
            return r;
        }
        if (r.err == error::no_memory) {
            PTGEN_FUZZ_CHECK(ex.ok);  // every rule is checked before anything is allocated
            PTGEN_FUZZ_CHECK(o.fault != 0 || exhausted);
        } else {
            PTGEN_FUZZ_CHECK(!ex.ok && ex.allows(r.err));
        }
        unchanged();
        if (r.err == error::no_memory && o.fault != 0 && !exhausted) {
            r = attempt();
            PTGEN_FUZZ_CHECK(r.ok);
        }
        return r;
    }

    cursor<table>& cursor_of(side& s, std::optional<cursor<table>>& local) {
        if (&s == &a_) {
            if (!cur_) cur_.emplace(*a_.pt);
            return *cur_;
        }
        local.emplace(*k_.pt);
        return *local;
    }

    void one_op(std::size_t n) {
        const op o = decode(in_.u8());
        side& s = o.on_k && o.kind != op_copy_from ? k_ : a_;
        trace("op %zu: %s on %s va %#llx size %#llx pa %#llx flags %#x huge %d fault %u keep %d", n,
              kind_names[o.kind], s.name, (unsigned long long)o.va, (unsigned long long)o.size,
              (unsigned long long)o.pa(o.va), unsigned(o.f), int(o.huge), o.fault,
              int(o.keep_cursor));
        const bool single = o.kind == op_remap || o.kind == op_protect || o.kind == op_unmap;
        const bool mutating = o.kind != op_query && o.kind != op_flush && o.kind != op_copy_from;
        // Root entries lent to A stay as they were: the harness never changes them in K.
        if (&s == &k_ && mutating && touches(k_.frozen, o.va, single ? 1 : o.size)) return;

        std::optional<cursor<table>> local;
        bool changed = false;
        switch (o.kind) {
            case op_map: {
                const expect ex = expect_map(s, o);
                auto& c = cursor_of(s, local);
                changed = checked(s, o, ex, [&] {
                    return outcome_of(c.map(o.va, o.pa(o.va), o.size, o.f));
                }).ok;
                if (changed) s.m.insert(key(o.va), o.size, o.pa(o.va), F::effective(o.f));
                break;
            }
            case op_map_region:
            case op_map_linear: {
                const bool linear = o.kind == op_map_linear;
                if (estimate_leaves(o) > leaf_limit) return;  // keeps every call cheap
                const expect ex = linear ? expect_map_linear(s, o) : expect_map_region(s, o);
                auto& c = cursor_of(s, local);
                const pa_fn fn = o.pa;
                changed = checked(s, o, ex, [&] {
                    return outcome_of(linear ? c.map_linear(o.va, fn(o.va), o.size, o.f, o.huge)
                                             : c.map_region(o.va, fn, o.size, o.f, o.huge));
                }).ok;
                if (changed) {
                    if (linear) {
                        s.m.insert(key(o.va), o.size, fn(o.va), F::effective(o.f));
                    } else {
                        const vaddr last = o.va + (o.size - 1);
                        const std::uint64_t chunk = fn.chunk ? fn.chunk : 0;
                        for (vaddr v = o.va;;) {
                            const vaddr seg_last = chunk ? std::min(last, v | (chunk - 1)) : last;
                            s.m.insert(key(v), seg_last - v + 1, fn(v), F::effective(o.f));
                            if (seg_last == last) break;
                            v = seg_last + 1;
                        }
                    }
                }
                break;
            }
            case op_remap:
            case op_protect:
            case op_unmap: {
                const paddr pa = o.pa(o.va);
                const expect ex = expect_one(s, o, o.kind != op_unmap, o.kind == op_remap ? &pa : nullptr);
                const leaf* l = s.now.find(key(o.va));
                const leaf old = l ? *l : leaf{};
                auto& c = cursor_of(s, local);
                std::uint64_t span = 0;
                translation gone{};
                changed = checked(s, o, ex, [&] {
                    if (o.kind == op_unmap) {
                        auto r = c.unmap(o.va);
                        if (r) gone = *r;
                        return outcome_of(r);
                    }
                    auto r = o.kind == op_remap ? c.remap(o.va, pa, o.f) : c.protect(o.va, o.f);
                    if (r) span = *r;
                    return outcome_of(r);
                }).ok;
                if (!changed) break;
                PTGEN_FUZZ_CHECK(l != nullptr);
                if (o.kind == op_unmap) {
                    PTGEN_FUZZ_CHECK(gone.size == old.size && gone.pa == old.pa && gone.flags == old.f);
                    s.m.carve(old.key, old.size);
                } else {
                    PTGEN_FUZZ_CHECK(span == old.size);
                    if (o.kind == op_remap) s.m.insert(old.key, old.size, pa, F::effective(o.f));
                    else s.m.protect(old.key, old.size, F::effective(o.f));
                }
                break;
            }
            case op_protect_region:
            case op_unmap_region: {
                const bool protect = o.kind == op_protect_region;
                const holes h = o.huge ? holes::skip : holes::refuse;  // (the huge bit, here)
                const expect ex = expect_modify(s, o, protect, h == holes::skip);
                auto& c = cursor_of(s, local);
                changed = checked(s, o, ex, [&] {
                    return outcome_of(protect ? c.protect_region(o.va, o.size, o.f, h)
                                              : c.unmap_region(o.va, o.size, h));
                }).ok;
                if (changed) {
                    if (protect) s.m.protect(key(o.va), o.size, F::effective(o.f));
                    else s.m.carve(key(o.va), o.size);
                }
                break;
            }
            case op_query:
                break;
            case op_copy_from: {
                const expect ex = expect_copy_from(o);
                auto& c = cursor_of(a_, local);
                changed = checked(a_, o, ex, [&] { return outcome_of(c.copy_from(*k_.pt, o.va, o.size)); }).ok;
                if (!changed) break;
                for (const piece& p : k_.m.pieces(key(o.va), o.size)) a_.m.insert(p.key, p.size, p.pa, p.f);
                const auto kroot = k_.pt->root_paddr();
                for (vaddr v = o.va;; v += root_span) {
                    const std::size_t i = F::levels[0].index_of(v);
                    if (F::kind(k_.pt->engine().load(kroot, i), 0) != entry_kind::empty)
                        a_.borrowed[i] = k_.frozen[i] = true;
                    if (v + (root_span - 1) == o.va + (o.size - 1)) break;
                }
                break;
            }
            case op_flush:
                break;
            case op_fork: {
                // Into a new table of the same pool: afterwards it maps what the source maps
                // there (write gone on both sides with copy_on_write), and destroyed, it gives
                // back every frame; a failed fork (an injected fault included) changes nothing.
                const bool cow = o.huge;
                if (!page_aligned_range(o.va, o.size) || !range_ok(o.va, o.size)) return;
                if (cut_leaves(s, o) > leaf_limit ||
                    pool_.live_frames() + s.now.tables.size() + 16 + margin > pool_frames)
                    return;  // keeps every call cheap, and the pool big enough
                const expect ex = expect_fork(s, o, cow);
                auto& from = cursor_of(s, local);
                bool done = false;
                {
                    tlb_log child_log;
                    auto made = table::create(memory(handler{&pool_}), tlb{&child_log});
                    PTGEN_FUZZ_CHECK(made.has_value());
                    {
                        cursor<table> into(*made);
                        done = checked(s, o, ex, [&] {
                            return outcome_of(fork_copy(into, from, o.va, o.size,
                                                        cow ? fork_mode::copy_on_write : fork_mode::share));
                        }).ok;
                    }
                    if (done) {
                        if (cow)
                            for (const piece& p : s.m.pieces(key(o.va), o.size))
                                s.m.protect(p.key, p.size, F::effective(p.f & ~flags::write));
                        // Every leaf of the copy: the source's frame and own flags there; the
                        // copy covers what the source maps in the range, byte for byte.
                        auto own = [](const table& t, vaddr v) {
                            const auto slot = t.engine().find_leaf(v);
                            PTGEN_FUZZ_CHECK(slot.has_value());
                            return F::leaf_flags(slot->raw, slot->level);
                        };
                        std::uint64_t copied = 0, source = 0;
                        PTGEN_FUZZ_CHECK(made->for_each_mapping(o.va, o.size, [&](const mapping& m) {
                            const auto q = s.pt->query(m.va);
                            PTGEN_FUZZ_CHECK(q.has_value() && q->pa == m.pa);
                            PTGEN_FUZZ_CHECK(own(*made, m.va) == own(*s.pt, m.va));
                            copied += m.size;
                        }));
                        PTGEN_FUZZ_CHECK(s.pt->for_each_mapping(o.va, o.size, [&](const mapping& m) { source += m.size; }));
                        PTGEN_FUZZ_CHECK(copied == source);
                    }
                }  // the copy destroyed: check_frames() below sees every frame back
                changed = done && cow;
                break;
            }
            case op_collapse: {
                // Translations stay as the model holds them: the walk after it checks that
                // (and that every entry is what the engine writes), the TLB check that the
                // tables it retired were flushed before they were freed.
                const expect ex = expect_collapse(s, o);
                auto& c = cursor_of(s, local);
                changed = checked(s, o, ex, [&] { return outcome_of(c.collapse(o.va, o.size)); }).ok;
                break;
            }
        }
        local.reset();  // K's cursor flushes here
        if (changed) walk(s);
        if (&s == &k_ && changed) check_tlb(k_);
        if (cur_ && (!o.keep_cursor || o.kind == op_flush)) flush_a();
        check_frames();
        check_queries(s, o.va, o.size);
        if (&s == &k_) check_queries(a_, o.va, o.size);
    }

    void flush_a() {
        cur_.reset();
        walk(a_);  // the flush reclaimed the tables single-page unmaps emptied
        check_tlb(a_);
    }

    void finish() {
        trace("%s", "teardown");
        if (cur_) flush_a();
        check_frames();
        a_.pt.reset();
        k_.pt.reset();
        PTGEN_FUZZ_CHECK(pool_.live() == boot_frames_);
        PTGEN_FUZZ_CHECK(pool_.bad_frees() == 0);
    }

    // ---- invariants of the raw tables --------------------------------------------------

    void walk(side& s) {
        tree t;
        const paddr root = s.pt->root_paddr();
        t.tables.emplace_back(root, 0);
        walk_table(s, t, root, 0, 0, true);
        for (std::size_t i = 1; i < t.leaves.size(); ++i)
            PTGEN_FUZZ_CHECK(t.leaves[i - 1].key + (t.leaves[i - 1].size - 1) < t.leaves[i].key);
        // The leaves translate exactly what the model holds: each leaf as the model says, and
        // as many bytes in all.
        std::uint64_t total = 0;
        for (const leaf& l : t.leaves) {
            PTGEN_FUZZ_CHECK(s.m.maps_linearly(l.key, l.size, l.pa, l.f));
            total += l.size;
        }
        PTGEN_FUZZ_CHECK(total == s.m.total());
        s.now = std::move(t);
    }

    void walk_table(side& s, tree& t, paddr table_pa, unsigned level, vaddr base, bool owned) {
        const auto& g = F::levels[level];
        // Straight from "physical memory", not through the engine.
        const entry* raw = static_cast<const entry*>(pool_.to_virt(table_pa));
        std::size_t present = 0;
        for (std::size_t i = 0; i < g.entries(); ++i) {
            const entry e = raw[i];
            if (level == 0 && s.borrowed[i]) {
                // A borrowed entry is the lender's entry, unchanged.
                PTGEN_FUZZ_CHECK(&s == &a_);
                PTGEN_FUZZ_CHECK(e == static_cast<const entry*>(pool_.to_virt(k_.pt->root_paddr()))[i]);
            }
            if (e == 0) continue;  // empty in every format (codec_test)
            const entry_kind k = F::kind(e, level);
            const vaddr va = base + i * g.span();
            if (k == entry_kind::empty) {
                // The engine never leaves stale bits; with paired leaves the empty partner of a
                // leaf is that leaf's filler.
                if constexpr (paired_leaves<F>) {
                    PTGEN_FUZZ_CHECK(level == depth - 1 &&
                                     F::kind(raw[i ^ 1], level) == entry_kind::leaf &&
                                     e == F::pair_filler(raw[i ^ 1]));
                } else {
                    PTGEN_FUZZ_CHECK(e == 0);
                }
                continue;
            }
            ++present;
            if (k == entry_kind::table) {
                PTGEN_FUZZ_CHECK(level + 1 < depth);
                const paddr child = F::address(e, level);
                PTGEN_FUZZ_CHECK(F::encode_table(child, level) == e);
                PTGEN_FUZZ_CHECK(is_aligned(child, F::levels[level + 1].table_align));
                PTGEN_FUZZ_CHECK(pool_.contains(child));
                const bool child_owned = owned && !(level == 0 && s.borrowed[i]);
                if (child_owned) t.tables.emplace_back(child, level + 1);
                walk_table(s, t, child, level + 1, va, child_owned);
            } else {
                PTGEN_FUZZ_CHECK(g.leaf_allowed);
                const paddr pa = leaf_address<F>(e, level, va);
                const flags f = F::leaf_flags(e, level);
                PTGEN_FUZZ_CHECK(is_aligned(pa, g.span()));
                PTGEN_FUZZ_CHECK(geo::pa_valid(pa));
                PTGEN_FUZZ_CHECK(F::accepts(f) && F::effective(f) == f);
                PTGEN_FUZZ_CHECK(runs_of<F>::leaf(pa, f, level, runs_of<F>::marked(e, level)) == e);
                if (runs_of<F>::marked(e, level)) check_run(raw, level, i, va);
                t.leaves.push_back({va, g.span(), pa, f});
            }
        }
        // No empty table below a root, but for those a single-page unmap left on a path that
        // A's open cursor reclaims at its next flush.
        const bool deferred = &s == &a_ && cur_ && cur_->reclaims_pending() != 0;
        if (level != 0 && !deferred) PTGEN_FUZZ_CHECK(present != 0);
    }

    // A marked leaf's run (core/contiguous_runs.hpp): all N entries marked leaves of one set of
    // flags, mapping one physically contiguous run aligned to N pages, each the format's marked
    // encoding of its page.
    static void check_run(const entry* raw, unsigned level, std::size_t i, vaddr va) {
        const std::size_t n = runs_of<F>::at(level), r = i - i % n;
        const std::uint64_t span = F::levels[level].span();
        const vaddr run_va = va - (i - r) * span;
        PTGEN_FUZZ_CHECK(n > 1);
        const paddr pa0 = leaf_address<F>(raw[r], level, run_va);
        const flags f0 = F::leaf_flags(raw[r], level);
        PTGEN_FUZZ_CHECK(runs_of<F>::aligned(pa0, level));
        for (std::size_t k = 0; k < n; ++k) {
            PTGEN_FUZZ_CHECK(F::kind(raw[r + k], level) == entry_kind::leaf);
            PTGEN_FUZZ_CHECK(runs_of<F>::marked(raw[r + k], level));
            PTGEN_FUZZ_CHECK(raw[r + k] == runs_of<F>::leaf(pa0 + k * span, f0, level, true));
        }
    }

    // Table frames of both tables (no table reached twice) == the pool's live frames.
    void check_frames() {
        std::set<paddr> tables, frames = boot_frames_;
        for (const side* s : {&a_, &k_}) {
            for (const auto& [pa, level] : s->now.tables) {
                PTGEN_FUZZ_CHECK(tables.insert(pa).second);
                if (pa - boot_base_ < boot_bytes_) continue;  // a boot table: never the handler's
                const std::size_t n = (F::levels[level].table_bytes() + 4095) / 4096;
                for (std::size_t f = 0; f < n; ++f) PTGEN_FUZZ_CHECK(frames.insert(pa + f * 4096).second);
            }
        }
        const auto& live = pool_.live();
        if (cur_) {  // unlinked tables wait for the open cursor's flush
            PTGEN_FUZZ_CHECK(std::includes(live.begin(), live.end(), frames.begin(), frames.end()));
        } else {
            PTGEN_FUZZ_CHECK(live == frames);
        }
        PTGEN_FUZZ_CHECK(pool_.bad_frees() == 0);
    }

    void check_query(const side& s, vaddr v) {
        const auto q = s.pt->query(v);
        if (!F::va_valid(v)) {
            PTGEN_FUZZ_CHECK(q.is(error::out_of_range));
            return;
        }
        const auto m = s.m.find(key(v));
        if (!m) {
            PTGEN_FUZZ_CHECK(q.is(error::not_mapped));
            return;
        }
        PTGEN_FUZZ_CHECK(q.has_value());
        const leaf* l = s.now.find(key(v));
        PTGEN_FUZZ_CHECK(l && q->size == l->size);
        flags expected = m->second;
        if constexpr (paired_leaves<F>) {
            // A TLB entry holds an even/odd pair of pages: global only when both are.
            const auto partner = s.m.find(key(v ^ page));
            if (l->size == page && partner && !has(partner->second, flags::global))
                expected = expected & ~flags::global;
        }
        PTGEN_FUZZ_CHECK(q->pa == m->first && q->flags == expected);
    }

    void check_queries(const side& s, vaddr va, std::uint64_t size) {
        for (vaddr v : {va, va + 8, va + size - 1, va - page, va + size, va + size / 2})
            check_query(s, v);
        for (vaddr a : anchors_)
            for (vaddr v : {a, a - page, a + page + 0x10}) check_query(s, v);
    }

    // Every translation that changed since the last flush was invalidated.
    void check_tlb(side& s) {
        if (s.log.full == 0) {
            std::vector<vaddr> flushed;
            for (vaddr v : s.log.pages) flushed.push_back(key(v));
            std::sort(flushed.begin(), flushed.end());
            for (const leaf& l : s.at_flush) {
                if (same_translation(s.now, l)) continue;
                auto it = std::lower_bound(flushed.begin(), flushed.end(), l.key);
                PTGEN_FUZZ_CHECK(it != flushed.end() && *it - l.key < l.size);
            }
        }
        s.at_flush = s.now.leaves;
        s.log = {};
    }
    static bool same_translation(const tree& t, const leaf& old) {
        const vaddr last = old.key + (old.size - 1);
        for (vaddr v = old.key;;) {
            const leaf* l = t.find(v);
            if (!l || l->f != old.f || l->pa - l->key != old.pa - old.key) return false;
            const vaddr l_last = l->key + (l->size - 1);
            if (l_last >= last) return true;
            v = l_last + 1;
        }
    }
};

template <class F>
int run_one(const std::uint8_t* data, std::size_t size) {
    session<F> s(data, size);
    s.run();
    return 0;
}

}  // namespace ptgen::fuzz

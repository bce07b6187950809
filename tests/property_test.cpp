// Property test: random operation sequences on every format agree with a reference model of
// 4 KiB pages, and the tables stay well formed (no empty table kept, every allocated frame
// reachable, failed calls change nothing, the count of each table's entries right, contiguous
// runs marked only whole and where eligible), with a handler that keeps table_meta and with one
// that does not. The operations include no-access flags, collapse (every uniform huge span
// becomes one leaf) and fork_copy into a new table (shared and copy-on-write, the child checked
// against the model, then destroyed).
#include <catch2/catch.hpp>
#include <rapidcheck.h>

#include <array>
#include <utility>
#include <vector>

#include "support/formats.hpp"
#include "support/reference_model.hpp"
#include "support/runs_check.hpp"
#include "support/table_snapshot.hpp"

using namespace ptgen;
using namespace ptgen::test;

namespace {

enum class op_kind { map_region, map_region_huge, map_linear, map_linear_huge, unmap_region,
                     protect_region, unmap_holes, protect_holes, unmap_one, protect_one,
                     remap_one, query, collapse, fork_share, fork_copy_on_write };

struct op {
    op_kind kind;
    std::size_t slot;      // page index in the window
    std::size_t length;    // index into the sizes table
    std::size_t flag_set;  // index into the flags table
    bool skew_pa;          // physical address one page off huge alignment
    std::size_t align;     // 0: va aligned down to a huge page (one op in four)
};

constexpr std::array<flags, 9> flag_sets{r, rw, rx, rwx | global, rw | flags::user, r | device,
                                         rw | uncached, no_access, no_access | global};

template <class F>
std::uint64_t op_size(std::size_t length) {
    using fx = facts<F>;
    const std::uint64_t pages = fx::huge / fx::page;
    const std::uint64_t sizes[] = {1, 2, pages - 1, pages, pages + 1, 2 * pages, 3};
    return sizes[length % 7] * fx::page;
}

template <class PT>
void check_structure(const PT& pt, const frame_pool& pool) {
    using F = typename PT::format;
    bool twice = false;
    const auto tables = reachable_tables(pt, &twice);
    RC_ASSERT(!twice);
    std::size_t frames = 0;
    for (const auto& [pa, level] : tables) {
        frames += (F::levels[level].table_bytes() + 4095) / 4096;
        if (level != 0) RC_ASSERT(has_present_entry(pt, pa, level));
        if constexpr (keeps_table_meta<typename PT::memory_type::handler_type>) {
            const auto* raw = static_cast<const typename F::entry_type*>(pool.to_virt(pa));
            std::uint32_t nonzero = 0;
            for (std::size_t i = 0; i < F::levels[level].entries(); ++i) nonzero += raw[i] != 0;
            RC_ASSERT(const_cast<frame_pool&>(pool).meta(pa)->nonzero_entries == nonzero);
        }
    }
    RC_ASSERT(frames == pool.live_frames());
    RC_ASSERT(runs_violation(pt).empty());  // contiguous runs: whole, eligible, or unmarked
}

// for_each_mapping over the window reports, page by page, what the model holds, in address
// order and clipped to the window; merged, the same pages in fewer, maximal pieces; and
// find_next_mapped(from) is the model's first page at or after `from`.
template <class F, class PT>
void check_iteration(const PT& pt, const reference_model& model, vaddr window, std::uint64_t size,
                     vaddr from) {
    using fx = facts<F>;
    std::vector<std::pair<vaddr, model_page>> seen;
    vaddr next = window;
    auto each_page = [&](const mapping& m) {
        RC_ASSERT(m.va >= next);
        RC_ASSERT(m.size % fx::page == 0);
        next = m.va + m.size;
        for (std::uint64_t off = 0; off < m.size; off += fx::page)
            seen.push_back({m.va + off, model_page{m.pa + off, m.flags}});
    };
    RC_ASSERT(pt.for_each_mapping(window, size, each_page).has_value());
    auto in_window = [&](const auto& kv) { return kv.first >= window && kv.first < window + size; };
    std::vector<std::pair<vaddr, model_page>> expected;
    for (const auto& kv : model.pages())
        if (in_window(kv)) expected.push_back({kv.first, model_page{kv.second.pa, pt.query(kv.first)->flags}});
    RC_ASSERT(seen == expected);
    std::size_t pieces = 0, merged_pages = 0;
    mapping last{};
    auto merged = [&](const mapping& m) {
        if (pieces != 0)  // maximal: a piece never continues the one before
            RC_ASSERT(!(m.va == last.va + last.size && m.pa == last.pa + last.size && m.flags == last.flags));
        last = m;
        ++pieces;
        merged_pages += m.size / fx::page;
    };
    RC_ASSERT(pt.for_each_mapping(window, size, merged, merge_mappings::yes).has_value());
    RC_ASSERT(merged_pages == expected.size());
    const auto found = pt.find_next_mapped(from);
    const auto it = model.pages().lower_bound(from);
    if (it == model.pages().end()) {
        RC_ASSERT(found.is(error::not_mapped));
    } else {
        RC_ASSERT(found.has_value());
        RC_ASSERT(found->va == it->first);
        RC_ASSERT(found->pa == it->second.pa);
    }
}

// The flags of the leaf that maps va itself (a LoongArch pair partner's G aside).
template <class PT>
flags own_flags(const PT& pt, vaddr va) {
    const auto slot = pt.engine().find_leaf(va);
    RC_ASSERT(slot.has_value());
    return PT::format::leaf_flags(slot->raw, slot->level);
}

// Does the model hold [s, s + span) as one run a huge leaf could map (every page, the pa
// contiguous from a span-aligned one, the same flags)?
inline bool uniform_in_model(const reference_model& model, vaddr s, std::uint64_t span) {
    const model_page* first = model.find(s);
    if (!first || !is_aligned(first->pa, span)) return false;
    for (std::uint64_t off = 0; off < span; off += model.page) {
        const model_page* p = model.find(s + off);
        if (!p || p->pa != first->pa + off || p->f != first->f) return false;
    }
    return true;
}

// fork_copy of [va, va + size) into a new table: it holds the model's pages of the range
// (write removed with copy_on_write, which removes it in the source too) and nothing else;
// destroying it gives back every frame it took. Returns false when the call failed (a
// copy-on-write range cutting a huge page: not_aligned), having changed nothing.
template <class F, class Handler, class PT, class Cursor>
bool check_fork(PT& pt, Cursor& from, reference_model& model, frame_pool& pool, vaddr va,
                std::uint64_t size, bool cow) {
    const auto frames = pool.live_frames();
    const vaddr last = va + (size - 1);
    auto cuts = [&](vaddr at, bool first_byte) {
        const auto q = pt.query(at);
        return q && !is_aligned(first_byte ? at : at + 1, q->size);
    };
    bool ok = false;
    {
        auto child = page_table<F, handler_memory<Handler>>::create(Handler{&pool});
        RC_ASSERT(child.has_value());
        auto into = child->cursor();
        const auto res = fork_copy(into, from, va, size, cow ? fork_mode::copy_on_write : fork_mode::share);
        if (!res) {
            RC_ASSERT((res.is(error::not_aligned) && cow && (cuts(va, true) || cuts(last, false))));
        } else {
            ok = true;
            if (cow)
                for (auto it = model.pages().lower_bound(va); it != model.pages().end() && it->first <= last; ++it)
                    model.protect(it->first, model.page, F::effective(it->second.f & ~flags::write));
            std::size_t pages = 0;
            RC_ASSERT(child->for_each_mapping(va, size, [&](const mapping& m) {
                for (std::uint64_t off = 0; off < m.size; off += model.page, ++pages) {
                    const model_page* p = model.find(m.va + off);
                    RC_ASSERT(p != nullptr);
                    RC_ASSERT(p->pa == m.pa + off);
                    RC_ASSERT(own_flags(*child, m.va + off) == own_flags(pt, m.va + off));
                }
            }).has_value());
            std::size_t expected = 0;
            for (auto it = model.pages().lower_bound(va); it != model.pages().end() && it->first <= last; ++it)
                ++expected;
            RC_ASSERT(pages == expected);
            const auto first_mapped = child->find_next_mapped(0);  // nothing below the range
            RC_ASSERT((!first_mapped.has_value() || first_mapped->va >= va));
        }
    }
    RC_ASSERT(pool.live_frames() == frames);
    return ok;
}

template <class F, class Handler>
void run_sequence(const std::vector<op>& ops) {
    using fx = facts<F>;
    frame_pool pool(4096);
    auto created = page_table<F, handler_memory<Handler>>::create(Handler{&pool});
    RC_ASSERT(created.has_value());
    auto& pt = *created;
    reference_model model(geometry_of<F>::min_page);
    // The window straddles a biggest-page boundary and huge-page boundaries around it.
    const vaddr window = fx::biggest - fx::huge;
    const std::size_t window_pages = 3 * fx::huge / fx::page;
    const std::uint64_t pa_shift = fx::pa_offset;

    for (const op& o : ops) {
        const vaddr slot_va = window + (o.slot % window_pages) * fx::page;
        const vaddr va = o.align == 0 ? align_down(slot_va, fx::huge) : slot_va;
        // (aligned ops are often exactly one huge span: uniform runs for collapse to find)
        const std::uint64_t size = o.align == 0 && o.length % 2 == 0 ? fx::huge : op_size<F>(o.length);
        const flags chosen = flag_sets[o.flag_set % flag_sets.size()];
        const flags f = F::accepts(chosen) ? chosen : chosen & ~flags::user;  // EL2: no EL0
        const std::uint64_t shift = pa_shift + (o.skew_pa ? fx::page : 0);
        const auto before = take_snapshot(pt);
        const auto frames_before = pool.live_frames();
        bool failed = false;
        {
            auto c = pt.cursor();
            switch (o.kind) {
                case op_kind::map_region:
                case op_kind::map_region_huge: {
                    auto res = c.map_region(va, [shift](vaddr v) { return v + shift; }, size, f,
                                            o.kind == op_kind::map_region_huge);
                    RC_ASSERT(res.has_value() == model.all_free(va, size));
                    if (res) model.map(va, va + shift, size, F::effective(f));
                    failed = !res;
                    break;
                }
                case op_kind::map_linear:
                case op_kind::map_linear_huge: {
                    auto res = c.map_linear(va, va + shift, size, f,
                                            o.kind == op_kind::map_linear_huge);
                    RC_ASSERT(res.has_value() == model.all_free(va, size));
                    if (res) model.map(va, va + shift, size, F::effective(f));
                    failed = !res;
                    break;
                }
                case op_kind::unmap_region: {
                    auto res = c.unmap_region(va, size);
                    RC_ASSERT(res.has_value() == model.all_mapped(va, size));
                    if (res) model.unmap(va, size);
                    failed = !res;
                    break;
                }
                case op_kind::protect_region: {
                    auto res = c.protect_region(va, size, f);
                    RC_ASSERT(res.has_value() == model.all_mapped(va, size));
                    if (res) model.protect(va, size, F::effective(f));
                    failed = !res;
                    break;
                }
                case op_kind::unmap_holes: {
                    RC_ASSERT(c.unmap_region(va, size, skip_holes).has_value());
                    model.unmap(va, size);
                    break;
                }
                case op_kind::protect_holes: {
                    RC_ASSERT(c.protect_region(va, size, f, skip_holes).has_value());
                    model.protect_mapped(va, size, F::effective(f));
                    break;
                }
                case op_kind::unmap_one:
                case op_kind::protect_one:
                case op_kind::remap_one: {
                    const auto q = pt.query(va);
                    RC_ASSERT(q.has_value() == (model.find(va) != nullptr));
                    if (!q) {
                        failed = true;
                        break;
                    }
                    const vaddr start = align_down(va, q->size);
                    if (o.kind == op_kind::unmap_one) {
                        auto res = c.unmap(va);
                        RC_ASSERT(res.has_value());
                        RC_ASSERT(res->size == q->size);
                        model.unmap(start, q->size);
                    } else if (o.kind == op_kind::protect_one) {
                        RC_ASSERT(*c.protect(va, f) == q->size);
                        model.protect(start, q->size, F::effective(f));
                    } else {
                        const paddr to = align_down(q->pa, q->size) + 4 * fx::biggest;
                        RC_ASSERT(*c.remap(va, to, f) == q->size);
                        model.unmap(start, q->size);
                        model.map(start, to, q->size, F::effective(f));
                    }
                    break;
                }
                case op_kind::query: break;
                case op_kind::collapse: {
                    // Over the window's whole huge spans: the model does not change; every
                    // span it holds as one aligned, contiguous, same-flag run is one leaf now.
                    const vaddr from = window;
                    const std::uint64_t span = window_pages * fx::page;
                    RC_ASSERT(c.collapse(from, span).has_value());
                    for (vaddr s = from; s < from + span; s += fx::huge)
                        if (uniform_in_model(model, s, fx::huge)) RC_ASSERT(pt.query(s)->size >= fx::huge);
                    break;
                }
                case op_kind::fork_share:
                case op_kind::fork_copy_on_write:
                    failed = !check_fork<F, Handler>(pt, c, model, pool, va, size,
                                                    o.kind == op_kind::fork_copy_on_write);
                    break;
            }
        }
        if (failed) {
            RC_ASSERT(take_snapshot(pt) == before);
            RC_ASSERT(pool.live_frames() == frames_before);
        }
        // Every modelled page translates as modelled; a few others are holes.
        for (const auto& [page_va, page] : model.pages()) {
            const auto q = pt.query(page_va + 8);
            RC_ASSERT(q.has_value());
            RC_ASSERT(q->pa == page.pa + 8);
            flags expected = page.f;
            if constexpr (paired_leaves<F>) {
                // A TLB entry holds an even/odd pair of 4 KiB pages: global only when both are.
                const auto* partner = model.find(page_va ^ fx::page);
                if (q->size == fx::page && partner && !has(partner->f, flags::global))
                    expected = expected & ~flags::global;
            }
            RC_ASSERT(q->flags == expected);
        }
        for (std::size_t k = 0; k < 8; ++k) {
            const vaddr probe = window + ((o.slot * 7 + k * 131) % window_pages) * fx::page;
            RC_ASSERT(pt.query(probe).has_value() == (model.find(probe) != nullptr));
        }
        check_iteration<F>(pt, model, window, window_pages * fx::page, va);
        check_structure(pt, pool);
    }
}

}  // namespace

namespace rc {
template <>
struct Arbitrary<op> {
    static Gen<op> arbitrary() {
        return gen::build<op>(
            gen::set(&op::kind, gen::element(op_kind::map_region, op_kind::map_region_huge,
                                             op_kind::map_linear, op_kind::map_linear_huge,
                                             op_kind::map_region_huge, op_kind::unmap_region,
                                             op_kind::protect_region, op_kind::unmap_holes,
                                             op_kind::protect_holes, op_kind::unmap_one,
                                             op_kind::protect_one, op_kind::remap_one,
                                             op_kind::query, op_kind::collapse,
                                             op_kind::fork_share,
                                             op_kind::fork_copy_on_write)),
            gen::set(&op::slot, gen::inRange<std::size_t>(0, 4096)),
            gen::set(&op::length, gen::inRange<std::size_t>(0, 7)),
            gen::set(&op::flag_set, gen::inRange<std::size_t>(0, flag_sets.size())),
            gen::set(&op::skew_pa, gen::arbitrary<bool>()),
            gen::set(&op::align, gen::inRange<std::size_t>(0, 4)));
    }
};
}  // namespace rc

// Two test cases, one per handler kind, so that ctest -j runs them side by side.
TEMPLATE_LIST_TEST_CASE("random operation sequences agree with a reference model",
                        "[property]", all_format_types) {
    CHECK(rc::check(TestType::name, [](const std::vector<op>& ops) {
        run_sequence<TestType, pool_handler>(ops);
    }));
}

TEMPLATE_LIST_TEST_CASE("random operation sequences agree with a reference model without table_meta",
                        "[property]", all_format_types) {
    CHECK(rc::check(TestType::name, [](const std::vector<op>& ops) {
        run_sequence<TestType, plain_pool_handler>(ops);
    }));
}

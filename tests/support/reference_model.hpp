// tests/support/reference_model.hpp: the simplest possible page table, a map from page (of the
// format's smallest size: 4, 16 or 64 KiB) to {pa, flags}, that the engine is checked against.
#pragma once

#include <cstdint>
#include <map>

#include <ptgen/core/engine.hpp>

namespace ptgen::test {

struct model_page {
    paddr pa;
    flags f;
    friend bool operator==(const model_page&, const model_page&) = default;
};

class reference_model {
public:
    explicit reference_model(std::uint64_t page_size = 4096) : page(page_size) {}
    const std::uint64_t page;

    bool all_free(vaddr va, std::uint64_t size) const {
        auto it = pages_.lower_bound(va);
        return it == pages_.end() || it->first > va + (size - 1);
    }
    bool all_mapped(vaddr va, std::uint64_t size) const {
        for (std::uint64_t off = 0; off < size; off += page)
            if (!pages_.count(va + off)) return false;
        return true;
    }
    void map(vaddr va, paddr pa, std::uint64_t size, flags f) {
        for (std::uint64_t off = 0; off < size; off += page) pages_[va + off] = {pa + off, f};
    }
    void unmap(vaddr va, std::uint64_t size) {
        for (std::uint64_t off = 0; off < size; off += page) pages_.erase(va + off);
    }
    void protect(vaddr va, std::uint64_t size, flags f) {
        for (std::uint64_t off = 0; off < size; off += page) pages_[va + off].f = f;
    }
    // protect of the pages of the range that are mapped (holes stay holes).
    void protect_mapped(vaddr va, std::uint64_t size, flags f) {
        for (auto it = pages_.lower_bound(va); it != pages_.end() && it->first <= va + (size - 1); ++it)
            it->second.f = f;
    }
    const model_page* find(vaddr va) const {
        auto it = pages_.find(va & ~(page - 1));
        return it == pages_.end() ? nullptr : &it->second;
    }
    const std::map<vaddr, model_page>& pages() const { return pages_; }

private:
    std::map<vaddr, model_page> pages_;
};

}  // namespace ptgen::test

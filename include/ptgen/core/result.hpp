// ptgen/core/result.hpp: errors as values (no exceptions), usable in constant expressions.
#pragma once

#include <type_traits>
#include <memory>
#include <utility>

namespace ptgen {

// The seed's PagingError, plus out_of_range (address outside the format) and invalid_flags
// (a permission set the format cannot grant without granting less than asked, or no access).
enum class error : unsigned char {
    no_memory,            // the memory policy could not allocate a table
    not_aligned,          // va, pa or size not aligned to the page size or the range rule
    not_mapped,           // nothing mapped where the call needs a mapping
    already_mapped,       // something mapped where the call needs a hole
    mapped_to_huge_page,  // a huge page sits where a table is needed (single-page calls)
    out_of_range,         // non-canonical va, pa wider than the format, range wraps, borrowed range
    invalid_flags,        // empty permission set, or device and uncached together
};

constexpr const char* to_string(error e) noexcept {
    switch (e) {
        case error::no_memory: return "no_memory";
        case error::not_aligned: return "not_aligned";
        case error::not_mapped: return "not_mapped";
        case error::already_mapped: return "already_mapped";
        case error::mapped_to_huge_page: return "mapped_to_huge_page";
        case error::out_of_range: return "out_of_range";
        case error::invalid_flags: return "invalid_flags";
    }
    return "unknown";
}

// Tag to build a failed result: `return ptgen::fail(error::not_mapped);`
struct failure {
    error code;
};
constexpr failure fail(error e) noexcept { return failure{e}; }

// A value or an error. Minimal std::expected for C++20, constexpr and freestanding.
template <class T>
class [[nodiscard]] result {
public:
    constexpr result(const T& v) : ok_(true) { std::construct_at(&value_, v); }
    constexpr result(T&& v) : ok_(true) { std::construct_at(&value_, std::move(v)); }
    constexpr result(failure f) : err_(f.code), ok_(false) {}
    constexpr result(const result& o) : ok_(o.ok_) {
        if (ok_) std::construct_at(&value_, o.value_);
        else err_ = o.err_;
    }
    constexpr result(result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) : ok_(o.ok_) {
        if (ok_) std::construct_at(&value_, std::move(o.value_));
        else err_ = o.err_;
    }
    result& operator=(const result&) = delete;
    result& operator=(result&&) = delete;
    constexpr ~result() {
        if (ok_) value_.~T();
    }

    constexpr bool has_value() const noexcept { return ok_; }
    constexpr explicit operator bool() const noexcept { return ok_; }
    constexpr error error_code() const noexcept { return ok_ ? error{} : err_; }
    constexpr error err() const noexcept { return err_; }
    constexpr T& value() & noexcept { return value_; }
    constexpr const T& value() const& noexcept { return value_; }
    constexpr T&& value() && noexcept { return std::move(value_); }
    constexpr T& operator*() & noexcept { return value_; }
    constexpr const T& operator*() const& noexcept { return value_; }
    constexpr T* operator->() noexcept { return &value_; }
    constexpr const T* operator->() const noexcept { return &value_; }

    // True when this holds the error e (handy in tests: CHECK(r.is(error::not_mapped))).
    constexpr bool is(error e) const noexcept { return !ok_ && err_ == e; }

private:
    union {
        T value_;
        error err_;
    };
    bool ok_;
};

template <>
class [[nodiscard]] result<void> {
public:
    constexpr result() = default;
    constexpr result(failure f) : err_(f.code), ok_(false) {}
    constexpr bool has_value() const noexcept { return ok_; }
    constexpr explicit operator bool() const noexcept { return ok_; }
    constexpr error err() const noexcept { return err_; }
    constexpr bool is(error e) const noexcept { return !ok_ && err_ == e; }

private:
    error err_{};
    bool ok_ = true;
};

using status = result<void>;

}  // namespace ptgen

// Propagate a failure: PTGEN_TRY(expr) returns early when expr failed.
#define PTGEN_TRY(expr)                                  \
    do {                                                 \
        if (auto ptgen_try_r_ = (expr); !ptgen_try_r_)   \
            return ::ptgen::fail(ptgen_try_r_.err());    \
    } while (false)

// SPDX-License-Identifier: MIT
/// `replay --filter`: which records of a log to re-deliver.
#pragma once

#include "core/error.hpp"
#include "core/log/record.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace hooks::replay {

/// What a record is, as far as filters ask: worked out once per record by the caller (the
/// provider from the recorded verification or from detection, the id and event type as
/// events::describe_delivery() reads them).
struct RecordFacts {
    std::string provider; ///< empty when unknown
    std::optional<std::string> id;
    std::optional<std::string> event_type;
};

/// A conjunction of terms, each `KEY=VALUES` or `KEY!=VALUES`, VALUES a comma-separated list
/// of alternatives:
///   provider, event, id, path (the target without its query), method: glob patterns
///     (`*`, `?`, `[...]`; `*` matches '/' too), case-sensitive except method;
///   verify: valid, invalid or unverified (no verification recorded);
///   status: the recorded response status, exact (204) or a class (2xx);
///   seq: N or N-M, inclusive;
///   after / before: an RFC 3339 time or a duration back from now ("2h"): received at or
///     after it, or strictly before it (`!=` is not allowed with these).
/// A record passes when, for every key, it matches one of the `=` alternatives (if that key
/// has `=` terms) and none of the `!=` ones.
class Filter {
  public:
    /// Parses the --filter expressions; fails (usage error) naming the bad one.
    static Result<Filter> parse(const std::vector<std::string>& expressions,
                                std::chrono::system_clock::time_point now);

    /// Whether `record` (with its `facts`) passes.
    bool matches(const log::Record& record, const RecordFacts& facts) const;

    /// Whether any term asks for the provider, id or event type (so facts are worth working out).
    bool needs_facts() const;

    bool is_empty() const { return m_terms.empty(); }

  private:
    enum class Key { provider, event, id, path, method, verify, status, seq, after, before };
    struct Term {
        Key key = Key::provider;
        bool is_negated = false;
        std::vector<std::string> values;
        std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges; ///< seq
        std::chrono::system_clock::time_point time;                  ///< after, before
    };
    static Result<Term> parse_term(const std::string& expression,
                                   std::chrono::system_clock::time_point now);
    /// Empty when `item` is a valid alternative for `term` (seq ranges are added to it), else
    /// why not.
    static std::string check_value(Term& term, const std::string& item);
    bool term_matches(const Term& term, const log::Record& record, const RecordFacts& facts) const;
    std::vector<Term> m_terms;
};

} // namespace hooks::replay

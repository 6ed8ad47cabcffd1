// SPDX-License-Identifier: MIT
#include "core/replay/filter.hpp"

#include "core/text/duration.hpp"
#include "core/text/text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <fnmatch.h>

namespace hooks::replay {
namespace {

std::vector<std::string> split_values(std::string_view text) {
    std::vector<std::string> values;
    std::size_t start = 0;
    while (true) {
        auto comma = text.find(',', start);
        values.emplace_back(text.substr(start, comma - start));
        if (comma == std::string_view::npos) {
            return values;
        }
        start = comma + 1;
    }
}

bool glob(const std::string& pattern, const std::string& text, bool is_folded = false) {
    return fnmatch(pattern.c_str(), text.c_str(), is_folded ? FNM_CASEFOLD : 0) == 0;
}

bool status_matches(const std::string& pattern, int status) {
    if (pattern.size() == 3 && (pattern[1] == 'x' || pattern[1] == 'X') &&
        (pattern[2] == 'x' || pattern[2] == 'X')) {
        return status / 100 == pattern[0] - '0';
    }
    return std::to_string(status) == pattern;
}

} // namespace

Result<Filter::Term> Filter::parse_term(const std::string& expression,
                                        std::chrono::system_clock::time_point now) {
    constexpr std::array<std::pair<std::string_view, Key>, 10> k_keys = {{
        {"provider", Key::provider},
        {"event", Key::event},
        {"id", Key::id},
        {"path", Key::path},
        {"method", Key::method},
        {"verify", Key::verify},
        {"status", Key::status},
        {"seq", Key::seq},
        {"after", Key::after},
        {"before", Key::before},
    }};
    auto bad = [&](const std::string& why) {
        return fail(ErrorKind::usage, "--filter '" + text::printable(expression) + "': " + why);
    };
    auto equals = expression.find('=');
    if (equals == std::string::npos || equals == 0) {
        return bad("expected KEY=VALUE or KEY!=VALUE");
    }
    Term term;
    term.is_negated = expression[equals - 1] == '!';
    std::string_view name(expression.data(), equals - (term.is_negated ? 1 : 0));
    const auto* known = std::find_if(k_keys.begin(), k_keys.end(),
                                     [&](const auto& entry) { return entry.first == name; });
    if (known == k_keys.end()) {
        return bad("unknown key; use provider, event, id, path, method, verify, status, seq, "
                   "after or before");
    }
    term.key = known->second;
    std::string_view value = std::string_view(expression).substr(equals + 1);
    if (value.empty()) {
        return bad("no value");
    }
    if (term.key == Key::after || term.key == Key::before) {
        if (term.is_negated) {
            return bad("use after= or before=, not !=");
        }
        if (auto time = log::parse_rfc3339(value)) {
            term.time = *time;
        } else if (auto ago = text::parse_duration(value)) {
            term.time = now - *ago;
        } else {
            return bad("expected an RFC 3339 time (2026-11-23T10:00:00Z) or a duration back "
                       "from now (2h)");
        }
        return term;
    }
    term.values = split_values(value);
    for (const std::string& item : term.values) {
        if (auto problem = check_value(term, item); !problem.empty()) {
            return bad(problem);
        }
    }
    return term;
}

std::string Filter::check_value(Term& term, const std::string& item) {
    if (item.empty()) {
        return "an empty alternative";
    }
    if (term.key == Key::verify && item != "valid" && item != "invalid" && item != "unverified") {
        return "verify is valid, invalid or unverified";
    }
    if (term.key == Key::status) {
        bool is_class = item.size() == 3 && item[0] >= '1' && item[0] <= '9' &&
                        (item.substr(1) == "xx" || item.substr(1) == "XX");
        auto number = text::parse_unsigned(item);
        if (!is_class && (!number || *number < 100 || *number > 999)) {
            return "status is a code (204) or a class (2xx)";
        }
    }
    if (term.key == Key::seq) {
        auto dash = item.find('-');
        auto low = text::parse_unsigned(std::string_view(item).substr(0, dash));
        auto high = dash == std::string::npos
                        ? low
                        : text::parse_unsigned(std::string_view(item).substr(dash + 1));
        if (!low || !high || *low > *high) {
            return "seq is N or N-M";
        }
        term.ranges.emplace_back(*low, *high);
    }
    return "";
}

Result<Filter> Filter::parse(const std::vector<std::string>& expressions,
                             std::chrono::system_clock::time_point now) {
    Filter filter;
    for (const std::string& expression : expressions) {
        auto term = parse_term(expression, now);
        if (!term) {
            return tl::unexpected(term.error());
        }
        // A key's `=` terms are alternatives: one term holds them all.
        auto same = std::find_if(filter.m_terms.begin(), filter.m_terms.end(), [&](const Term& t) {
            return t.key == term->key && !t.is_negated && !term->is_negated &&
                   term->key != Key::after && term->key != Key::before;
        });
        if (same == filter.m_terms.end()) {
            filter.m_terms.push_back(std::move(*term));
            continue;
        }
        same->values.insert(same->values.end(), term->values.begin(), term->values.end());
        same->ranges.insert(same->ranges.end(), term->ranges.begin(), term->ranges.end());
    }
    return filter;
}

bool Filter::term_matches(const Term& term, const log::Record& record,
                          const RecordFacts& facts) const {
    auto any = [&](auto&& predicate) {
        return std::any_of(term.values.begin(), term.values.end(), predicate);
    };
    switch (term.key) {
    case Key::provider:
        return any([&](const std::string& v) { return glob(v, facts.provider); });
    case Key::event:
        return facts.event_type &&
               any([&](const std::string& v) { return glob(v, *facts.event_type); });
    case Key::id:
        return facts.id && any([&](const std::string& v) { return glob(v, *facts.id); });
    case Key::path: {
        const std::string& target = record.message.target;
        std::string path = target.substr(0, target.find('?'));
        return any([&](const std::string& v) { return glob(v, path); });
    }
    case Key::method:
        return any([&](const std::string& v) { return glob(v, record.message.method, true); });
    case Key::verify: {
        std::string state = !record.verify ? "unverified" : record.verify->ok ? "valid" : "invalid";
        return any([&](const std::string& v) { return v == state; });
    }
    case Key::status:
        return record.response_status && any([&](const std::string& v) {
                   return status_matches(v, *record.response_status);
               });
    case Key::seq:
        return std::any_of(term.ranges.begin(), term.ranges.end(), [&](const auto& range) {
            return record.seq >= range.first && record.seq <= range.second;
        });
    case Key::after:
        return record.received_at >= term.time;
    case Key::before:
        return record.received_at < term.time;
    }
    return false;
}

bool Filter::matches(const log::Record& record, const RecordFacts& facts) const {
    return std::all_of(m_terms.begin(), m_terms.end(), [&](const Term& term) {
        return term_matches(term, record, facts) != term.is_negated;
    });
}

bool Filter::needs_facts() const {
    return std::any_of(m_terms.begin(), m_terms.end(), [](const Term& term) {
        return term.key == Key::provider || term.key == Key::event || term.key == Key::id;
    });
}

} // namespace hooks::replay

// SPDX-License-Identifier: MIT
// A built delivery is cut into literal text and the places where an id or timestamp text
// appears. Building it twice with different stand-ins and checking that the template reproduces
// the second build proves the cut: a stand-in that also appears in the user's data, a value
// that depends on the id or time in another way (a form body's percent-encoding), or anything
// else the cut cannot express makes the check fail, and every delivery is then built in full.
#include "core/events/delivery_template.hpp"

#include "core/events/placeholders.hpp"

#include <algorithm>
#include <array>

namespace hooks::events {
namespace {

/// The texts a delivery's id and timestamp appear as: {{id}}, {{id_tail}}, {{id_token}} and the
/// {{timestamp_*}} forms, longest forms of one kind first so that a scan takes the longest.
constexpr std::string_view k_forms =
    "{{id}}\n{{id_tail}}\n{{id_token}}\n{{timestamp_unix_ms}}\n{{timestamp_unix_decimal}}\n"
    "{{timestamp_unix}}\n{{timestamp_iso_us}}\n{{timestamp_iso_ms}}\n{{timestamp_iso}}";
constexpr std::size_t k_form_count = 9;
using Texts = std::array<std::string, k_form_count>;

Texts texts_of(const std::string& id, providers::UnixMillis timestamp) {
    std::string all = fill_text(k_forms, PlaceholderValues{id, "", timestamp});
    Texts texts;
    std::size_t start = 0;
    for (std::string& text : texts) {
        std::size_t end = std::min(all.find('\n', start), all.size());
        text = all.substr(start, end - start);
        start = end + 1;
    }
    return texts;
}

/// Ids that go into JSON strings and headers as they are (fresh ids always do). An id of digits
/// only is not: {{id_number}} writes it as a JSON number, where the stand-ins were strings.
bool is_plain(std::string_view id) {
    auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    return !id.empty() && !std::all_of(id.begin(), id.end(), is_digit) &&
           std::all_of(id.begin(), id.end(), [&](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
                      c == '-' || c == '.';
           });
}

/// Text cut at the places where one of the forms appears.
struct Cut {
    std::vector<std::string> literals; ///< one more than `forms`
    std::vector<std::size_t> forms;    ///< index into Texts

    static Cut of(std::string_view text, const Texts& stand_ins) {
        Cut cut;
        std::string literal;
        std::size_t at = 0;
        while (at < text.size()) {
            std::size_t best = k_form_count;
            for (std::size_t i = 0; i < k_form_count; ++i) {
                const std::string& form = stand_ins[i];
                if (!form.empty() && text.substr(at, form.size()) == form &&
                    (best == k_form_count || form.size() > stand_ins[best].size())) {
                    best = i;
                }
            }
            if (best == k_form_count) {
                literal += text[at++];
                continue;
            }
            cut.literals.push_back(std::move(literal));
            literal.clear();
            cut.forms.push_back(best);
            at += stand_ins[best].size();
        }
        cut.literals.push_back(std::move(literal));
        return cut;
    }

    std::string fill(const Texts& texts) const {
        std::string out = literals[0];
        for (std::size_t i = 0; i < forms.size(); ++i) {
            out += texts[forms[i]];
            out += literals[i + 1];
        }
        return out;
    }
};

} // namespace

struct DeliveryTemplate::Parts {
    Cut body;
    std::vector<std::pair<std::string, Cut>> headers;
    std::string content_type;
    std::string method;

    UnsignedRequest fill(const Texts& texts) const {
        UnsignedRequest built;
        built.body = body.fill(texts);
        built.content_type = content_type;
        built.method = method;
        built.headers.reserve(headers.size());
        for (const auto& [name, value] : headers) {
            built.headers.push_back({name, value.fill(texts)});
        }
        return built;
    }
};

Result<DeliveryTemplate> DeliveryTemplate::create(BuildInput input) {
    DeliveryTemplate made;
    made.m_input = std::move(input);
    // Stand-ins from the far future, unlike anything a sample or a user's data holds.
    const std::string first_id = "hk9first_sTaNdIn7q";
    const std::string second_id = "hk9second_sTaNdIn8w";
    const providers::UnixMillis first_time{4102444800123};  // 2100-01-01T00:00:00.123Z
    const providers::UnixMillis second_time{4133980861456}; // 2101-01-01T00:01:01.456Z
    BuildInput probe = made.m_input;
    probe.id = first_id;
    probe.timestamp = first_time;
    auto first = build_delivery(probe);
    if (!first) {
        return tl::unexpected(first.error());
    }
    probe.id = second_id;
    probe.timestamp = second_time;
    auto second = build_delivery(probe);
    if (!second) {
        return tl::unexpected(second.error());
    }
    Texts stand_ins = texts_of(first_id, first_time);
    auto parts = std::make_shared<Parts>();
    parts->body = Cut::of(first->body, stand_ins);
    for (const message::Header& header : first->headers) {
        parts->headers.emplace_back(header.name, Cut::of(header.value, stand_ins));
    }
    parts->content_type = first->content_type;
    parts->method = first->method;
    UnsignedRequest check = parts->fill(texts_of(second_id, second_time));
    if (check.body == second->body && check.headers == second->headers &&
        check.content_type == second->content_type && check.method == second->method) {
        made.m_parts = std::move(parts);
    }
    return made;
}

Result<UnsignedRequest> DeliveryTemplate::build(const std::string& id,
                                                providers::UnixMillis timestamp) const {
    if (m_parts && is_plain(id)) {
        return m_parts->fill(texts_of(id, timestamp));
    }
    BuildInput input = m_input;
    input.id = id;
    input.timestamp = timestamp;
    return build_delivery(input);
}

} // namespace hooks::events

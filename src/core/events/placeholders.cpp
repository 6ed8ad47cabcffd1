// SPDX-License-Identifier: MIT
#include "core/events/placeholders.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"
#include "core/log/record.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <stdexcept>
#include <utility>

namespace hooks::events {
namespace {

// Samples may include samples; a cycle in the data would otherwise never end.
constexpr int k_max_sample_depth = 16;

/// The whole-string placeholder `text` names, like "sample:repository", or empty.
std::string_view whole_placeholder(std::string_view text) {
    if (text.size() > 4 && text.starts_with("{{") && text.ends_with("}}") &&
        text.find("{{", 2) == std::string_view::npos) {
        return text.substr(2, text.size() - 4);
    }
    return {};
}

[[noreturn]] void undefined(std::string_view name) {
    throw std::logic_error("event catalog: undefined placeholder {{" + std::string(name) + "}}");
}

/// Expands "{{data}}" and "{{sample:NAME}}" in place, noting where the data went.
class Expander {
  public:
    Expander(const ProviderSpec& provider, const EventSpec& event)
        : m_provider(provider), m_event(event) {}

    void expand(Json& value, JsonPath& path, int depth) {
        if (depth > k_max_sample_depth) {
            throw std::logic_error("event catalog: samples nest too deep in " + m_provider.name);
        }
        if (value.is_object()) {
            for (auto member = value.begin(); member != value.end(); ++member) {
                path.push_back(member.key());
                expand(member.value(), path, depth);
                path.pop_back();
            }
        } else if (value.is_array()) {
            for (std::size_t i = 0; i < value.size(); ++i) {
                path.push_back(std::to_string(i));
                expand(value[i], path, depth);
                path.pop_back();
            }
        } else if (value.is_string()) {
            expand_string(value, path, depth);
        }
    }

    const std::optional<JsonPath>& data_path() const { return m_data_path; }

  private:
    void expand_string(Json& value, JsonPath& path, int depth) {
        std::string_view name = whole_placeholder(value.get_ref<const std::string&>());
        if (name == "data") {
            m_data_path = path;
            value = m_event.data;
            expand(value, path, depth + 1);
        } else if (name.starts_with("sample:")) {
            auto sample = m_provider.samples.find(std::string(name.substr(7)));
            if (sample == m_provider.samples.end()) {
                undefined(name);
            }
            value = *sample;
            expand(value, path, depth + 1);
        }
    }

    const ProviderSpec& m_provider;
    const EventSpec& m_event;
    std::optional<JsonPath> m_data_path;
};

/// The text of the timestamps and ids the text placeholders stand for.
struct TextValues {
    std::string id;
    std::string id_tail;
    std::string id_token;
    std::string event;
    std::string unix_seconds;
    std::string unix_decimal;
    std::string unix_millis;
    std::string iso;
    std::string iso_ms;
    std::string iso_us;
};

TextValues text_values(const PlaceholderValues& values) {
    using namespace std::chrono;
    TextValues text;
    text.id = values.id;
    std::size_t underscore = values.id.find('_');
    text.id_tail = underscore == std::string::npos ? values.id : values.id.substr(underscore + 1);
    // A nonce that is the same for every attempt of a delivery and differs between deliveries
    // (Mailgun's 50-hex-digit token): derived from the id.
    text.id_token = crypto::hex_encode(crypto::digest(crypto::DigestAlgorithm::sha256, values.id))
                        .substr(0, 50);
    text.event = values.event;
    text.unix_seconds = std::to_string(floor<seconds>(values.timestamp).count());
    text.unix_millis = std::to_string(values.timestamp.count());
    // Mailgun writes seconds with six decimals; the time has milliseconds.
    auto millis_part = values.timestamp - floor<seconds>(values.timestamp);
    std::string millis = std::to_string(1000 + millis_part.count());
    text.unix_decimal = text.unix_seconds + "." + millis.substr(1) + "000";
    // "2025-03-15T10:42:00.123Z", then cut or padded to the precision each provider writes.
    text.iso_ms = log::format_rfc3339(system_clock::time_point(values.timestamp));
    text.iso = text.iso_ms.substr(0, 19) + "Z";
    text.iso_us = text.iso_ms.substr(0, 23) + "000Z";
    return text;
}

const std::string& text_for(std::string_view name, const TextValues& text) {
    const std::array<std::pair<std::string_view, const std::string*>, 12> k_names{{
        {"id", &text.id},
        {"id_tail", &text.id_tail},
        {"id_token", &text.id_token},
        {"id_number", &text.id},
        {"event", &text.event},
        {"timestamp_unix", &text.unix_seconds},
        {"timestamp_unix_text", &text.unix_seconds},
        {"timestamp_unix_decimal", &text.unix_decimal},
        {"timestamp_unix_ms", &text.unix_millis},
        {"timestamp_iso", &text.iso},
        {"timestamp_iso_ms", &text.iso_ms},
        {"timestamp_iso_us", &text.iso_us},
    }};
    for (const auto& [known, value] : k_names) {
        if (known == name) {
            return *value;
        }
    }
    undefined(name);
}

std::string replace_in_text(std::string_view text, const TextValues& values) {
    std::string out;
    while (!text.empty()) {
        std::size_t open = text.find("{{");
        std::size_t close = open == std::string_view::npos ? open : text.find("}}", open);
        if (close == std::string_view::npos) {
            out.append(text);
            break;
        }
        out.append(text.substr(0, open));
        out.append(text_for(text.substr(open + 2, close - open - 2), values));
        text.remove_prefix(close + 2);
    }
    return out;
}

/// Whether `id` is a JSON integer's text: digits, no leading zero.
bool is_integer_id(std::string_view id) {
    return !id.empty() && (id.size() == 1 || id.front() != '0') &&
           std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Replaces the value placeholders and the text ones, noting derived values.
void substitute(Json& value, JsonPath& path, const TextValues& text,
                std::vector<DerivedValue>& derived) {
    if (value.is_object() || value.is_array()) {
        std::size_t index = 0;
        for (auto member = value.begin(); member != value.end(); ++member, ++index) {
            path.push_back(value.is_object() ? member.key() : std::to_string(index));
            substitute(member.value(), path, text, derived);
            path.pop_back();
        }
        return;
    }
    if (!value.is_string()) {
        return;
    }
    std::string_view name = whole_placeholder(value.get_ref<const std::string&>());
    if (name == "timestamp_unix" || name == "timestamp_unix_ms") {
        value = std::stoll(text_for(name, text));
    } else if (name == "timestamp_unix_decimal") {
        value = exact_number(text.unix_decimal);
    } else if (name == "id_number") {
        value = is_integer_id(text.id) ? exact_number(text.id) : Json(text.id);
    } else if (name == "diff") {
        JsonPath parent(path.begin(), path.end() - 1);
        JsonPath previous = parent;
        previous.emplace_back("previous");
        parent.emplace_back("record");
        derived.push_back({path, {previous, parent}, true});
        value = nullptr;
    } else if (name.starts_with("copy:")) {
        auto source = parse_path(name.substr(5));
        if (!source || !name.substr(5).starts_with("/")) {
            undefined(name);
        }
        derived.push_back({path, {*source}, false});
        value = nullptr;
    } else {
        value = replace_in_text(value.get_ref<const std::string&>(), text);
    }
}

} // namespace

FilledTemplate fill_template(const ProviderSpec& provider, const EventSpec& event,
                             const PlaceholderValues& values) {
    FilledTemplate filled;
    filled.body = event.body ? *event.body : provider.envelope;
    if (filled.body.is_null()) {
        throw std::logic_error("event catalog: " + provider.name + " " + event.name +
                               " has neither a body nor an envelope");
    }
    Expander expander(provider, event);
    JsonPath path;
    expander.expand(filled.body, path, 0);
    for (const auto& [where, field] : event.fields) {
        Json value = field;
        JsonPath field_path = where;
        expander.expand(value, field_path, 0);
        if (!set_at(filled.body, where, std::move(value))) {
            throw std::logic_error("event catalog: " + provider.name + " " + event.name +
                                   ": cannot set field " + format_pointer(where));
        }
    }
    filled.data_at = event.data_at.value_or(expander.data_path().value_or(JsonPath{}));
    substitute(filled.body, path, text_values(values), filled.derived);
    return filled;
}

std::string fill_text(std::string_view text, const PlaceholderValues& values) {
    return replace_in_text(text, text_values(values));
}

void compute_derived(Json& body, const DerivedValue& derived) {
    JsonPath parent(derived.target.begin(), derived.target.end() - 1);
    Json* container = find_at(body, parent);
    if (container == nullptr || !container->is_object()) {
        return;
    }
    const Json* first = find_at(body, derived.sources[0]);
    Json value;
    if (derived.is_diff) {
        const Json* record = find_at(body, derived.sources[1]);
        value =
            compute_diff(first != nullptr ? *first : Json(), record != nullptr ? *record : Json());
    } else if (first != nullptr) {
        value = *first;
    }
    (*container)[derived.target.back()] = std::move(value);
}

Json compute_diff(const Json& previous, const Json& record) {
    if (!previous.is_object() || !record.is_object()) {
        return nullptr;
    }
    Json diff = Json::object();
    auto note = [&](const std::string& name, const Json& from, const Json& to) {
        if (!is_same_value(from, to)) {
            diff[name] = Json::object({{"from", from}, {"to", to}});
        }
    };
    for (auto member = record.begin(); member != record.end(); ++member) {
        auto before = previous.find(member.key());
        note(member.key(), before != previous.end() ? *before : Json(), member.value());
    }
    for (auto member = previous.begin(); member != previous.end(); ++member) {
        if (!record.contains(member.key())) {
            note(member.key(), member.value(), Json());
        }
    }
    return diff;
}

} // namespace hooks::events

// SPDX-License-Identifier: MIT
#include "core/events/catalog.hpp"

#include "core/events/catalog_data.hpp"
#include "core/events/exact_json.hpp"
#include "core/events/json_path.hpp"
#include "core/events/placeholders.hpp"
#include "core/text/text.hpp"

#include <algorithm>
#include <utility>

namespace hooks::events {
namespace {

std::string known_events(const ProviderSpec& provider) {
    std::string names;
    for (const EventSpec& event : provider.events) {
        names.append(names.empty() ? "" : ", ").append(event.name);
    }
    return names;
}

Result<const ProviderSpec*> find_provider(std::string_view name) {
    if (const ProviderSpec* provider = find_provider_spec(name)) {
        return provider;
    }
    std::string names;
    for (const ProviderSpec& provider : catalog_providers()) {
        names.append(names.empty() ? "" : ", ").append(provider.name);
    }
    return fail(ErrorKind::usage, "no event catalog for provider '" + text::printable(name) +
                                      "'; providers with events: " + names);
}

Result<const EventSpec*> find_event(const ProviderSpec& provider, std::string_view name) {
    if (name.empty()) {
        return &provider.events.front();
    }
    for (const EventSpec& event : provider.events) {
        if (event.name == name) {
            return &event;
        }
    }
    return fail(ErrorKind::usage, "unknown event '" + text::printable(name) + "' for " +
                                      provider.name + "; known: " + known_events(provider));
}

Result<void> require_utf8(std::string_view text, std::string_view what) {
    if (!text::is_valid_utf8(text)) {
        return fail(ErrorKind::usage, std::string(what) + " is not valid UTF-8");
    }
    return {};
}

/// --data replaces the part of the body the catalog says, or the whole body.
Result<void> insert_data(Json& body, const JsonPath& data_at, std::string_view data) {
    auto parsed = parse_exact(data);
    if (!parsed) {
        return fail(ErrorKind::usage, "--data is not JSON (" + parsed.error().message + ")");
    }
    if (data_at.empty()) {
        body = std::move(*parsed);
        return {};
    }
    return set_at(body, data_at, std::move(*parsed));
}

/// Applies each --set in order; returns the paths they set.
Result<std::vector<JsonPath>> apply_sets(Json& body, const BuildInput& input) {
    std::vector<JsonPath> paths;
    for (const auto& [path_text, value_text] : input.sets) {
        std::string what = "--set " + text::printable(path_text);
        if (auto valid = require_utf8(path_text + value_text, what); !valid) {
            return tl::unexpected(valid.error());
        }
        auto path = parse_path(path_text);
        if (!path) {
            return fail(ErrorKind::usage, what + ": " + path.error().message);
        }
        // VALUE is JSON when it parses as JSON ("42", "true", "{...}"), else the text itself.
        auto value = parse_exact(value_text);
        if (auto set = set_at(body, *path, value ? std::move(*value) : Json(value_text)); !set) {
            return fail(ErrorKind::usage, what + ": " + set.error().message);
        }
        paths.push_back(std::move(*path));
    }
    return paths;
}

bool overlaps(const JsonPath& a, const JsonPath& b) {
    return starts_with(a, b) || starts_with(b, a);
}

/// A derived value follows the values it is made from, unless a --set wrote it directly.
void refresh_derived(Json& body, const std::vector<DerivedValue>& derived,
                     const std::vector<JsonPath>& set_paths) {
    for (const DerivedValue& value : derived) {
        auto touches = [&](const JsonPath& path) {
            return std::any_of(set_paths.begin(), set_paths.end(),
                               [&](const JsonPath& set) { return overlaps(set, path); });
        };
        if (!touches(value.target) &&
            std::any_of(value.sources.begin(), value.sources.end(), touches)) {
            compute_derived(body, value);
        }
    }
}

/// Codex's custom payload ("Compute - Add JSON value"): {NAME: value at pointer, ...}.
Result<Json> apply_maps(const Json& envelope, const BuildInput& input) {
    if (input.provider != "codex") {
        return fail(ErrorKind::usage, "--map is for codex custom payloads, not " + input.provider);
    }
    Json mapped = Json::object();
    for (const auto& [name, pointer] : input.maps) {
        std::string what = "--map " + text::printable(name) + "=" + text::printable(pointer);
        if (auto valid = require_utf8(name, what); !valid) {
            return tl::unexpected(valid.error());
        }
        if (name.empty() || mapped.contains(name)) {
            return fail(ErrorKind::usage, what + (name.empty() ? ": the name is empty"
                                                               : ": the name is given twice"));
        }
        auto path = parse_path(pointer);
        if (!path) {
            return fail(ErrorKind::usage, what + ": " + path.error().message);
        }
        const Json* value = find_at(envelope, *path);
        if (value == nullptr) {
            return fail(ErrorKind::usage,
                        what + ": " + format_pointer(*path) + " is not in the envelope");
        }
        mapped[name] = *value;
    }
    return mapped;
}

/// application/x-www-form-urlencoded as browsers and Twilio write it: unreserved bytes as they
/// are, space as '+', everything else %XX.
std::string encode_form_component(std::string_view text) {
    constexpr std::string_view k_hex = "0123456789ABCDEF";
    std::string out;
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        bool is_alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (is_alnum || c == '-' || c == '.' || c == '_' || c == '*') {
            out += c;
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += k_hex[byte >> 4U];
            out += k_hex[byte & 0x0FU];
        }
    }
    return out;
}

Result<std::string> write_form(const Json& body, const std::string& provider) {
    if (!body.is_object()) {
        return fail(ErrorKind::usage,
                    provider + " bodies are form fields: give --data as a JSON object");
    }
    std::string out;
    for (auto field = body.begin(); field != body.end(); ++field) {
        auto text = field->is_null() ? std::optional<std::string>("") : scalar_text(*field);
        if (!text) {
            return fail(ErrorKind::usage, provider + " form field '" +
                                              text::printable(field.key()) +
                                              "' must be a string, number or boolean");
        }
        out.append(out.empty() ? "" : "&")
            .append(encode_form_component(field.key()))
            .append("=")
            .append(encode_form_component(*text));
    }
    return out;
}

Result<std::vector<message::Header>> build_headers(const ProviderSpec& provider,
                                                   const EventSpec& event,
                                                   const PlaceholderValues& values) {
    std::vector<message::Header> headers;
    for (const auto* list : {&provider.headers, &event.headers}) {
        for (const message::Header& header : *list) {
            headers.push_back({header.name, fill_text(header.value, values)});
            if (auto valid = message::validate_header(header.name, headers.back().value); !valid) {
                return fail(ErrorKind::usage, valid.error().message);
            }
        }
    }
    return headers;
}

/// The body as a JSON value: template, --data, derived values, --set, --map.
Result<Json> build_body(const ProviderSpec& provider, const EventSpec& event,
                        const BuildInput& input, const PlaceholderValues& values) {
    FilledTemplate filled = fill_template(provider, event, values);
    if (input.data) {
        if (auto inserted = insert_data(filled.body, filled.data_at, *input.data); !inserted) {
            return tl::unexpected(inserted.error());
        }
    }
    for (const DerivedValue& derived : filled.derived) {
        compute_derived(filled.body, derived);
    }
    auto set_paths = apply_sets(filled.body, input);
    if (!set_paths) {
        return tl::unexpected(set_paths.error());
    }
    refresh_derived(filled.body, filled.derived, *set_paths);
    if (!input.maps.empty()) {
        return apply_maps(filled.body, input);
    }
    return std::move(filled.body);
}

} // namespace

std::vector<EventInfo> list_events(std::string_view provider) {
    std::vector<EventInfo> events;
    if (const ProviderSpec* spec = find_provider_spec(provider)) {
        for (const EventSpec& event : spec->events) {
            events.push_back({event.name, event.summary});
        }
    }
    return events;
}

std::vector<std::pair<std::string, std::string>> list_sources(std::string_view provider) {
    const ProviderSpec* spec = find_provider_spec(provider);
    return spec == nullptr ? std::vector<std::pair<std::string, std::string>>{} : spec->sources;
}

Result<UnsignedRequest> build_delivery(const BuildInput& input) {
    auto provider = find_provider(input.provider);
    if (!provider) {
        return tl::unexpected(provider.error());
    }
    auto event = find_event(**provider, input.event);
    if (!event) {
        return tl::unexpected(event.error());
    }
    if (auto valid = require_utf8(input.id, "the delivery id"); !valid) {
        return tl::unexpected(valid.error());
    }
    PlaceholderValues values{input.id, (*event)->wire_name, input.timestamp};
    auto body = build_body(**provider, **event, input, values);
    if (!body) {
        return tl::unexpected(body.error());
    }
    auto headers = build_headers(**provider, **event, values);
    if (!headers) {
        return tl::unexpected(headers.error());
    }
    UnsignedRequest built;
    built.headers = std::move(*headers);
    if ((*provider)->is_form) {
        auto form = write_form(*body, (*provider)->name);
        if (!form) {
            return tl::unexpected(form.error());
        }
        built.body = std::move(*form);
        built.content_type = "application/x-www-form-urlencoded";
    } else {
        built.body = write_compact(*body) + (*provider)->body_suffix;
        built.content_type = "application/json";
    }
    return built;
}

Result<bool> has_changed(std::string_view body, std::string_view field) {
    std::string what = "--only-if-changed " + text::printable(field);
    auto path = parse_path(field);
    if (!path) {
        return fail(ErrorKind::usage, what + ": " + path.error().message);
    }
    auto parsed = parse_exact(body);
    if (!parsed) {
        return fail(ErrorKind::usage,
                    what + ": the body is not JSON (" + parsed.error().message + ")");
    }
    const Json* record = find_at(*parsed, {"record"});
    if (record == nullptr || !record->is_object()) {
        return fail(ErrorKind::usage, what + ": the body has no record object to compare with " +
                                          "previous (field-level triggers are CodeNx's)");
    }
    // A missing member counts as null, as in CodeNx's diff; so does every member of a missing
    // or null previous (record.created).
    const Json* previous = find_at(*parsed, {"previous"});
    if (previous != nullptr && !previous->is_object() && !previous->is_null()) {
        return fail(ErrorKind::usage, what + ": previous is not an object");
    }
    const Json* after = find_at(*record, *path);
    const Json* before =
        previous != nullptr && previous->is_object() ? find_at(*previous, *path) : nullptr;
    return !is_same_value(before != nullptr ? *before : Json(), after != nullptr ? *after : Json());
}

} // namespace hooks::events

// SPDX-License-Identifier: MIT
#include "core/events/catalog_data.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace hooks::events {
namespace {

[[noreturn]] void malformed(const std::string& where, const std::string& what) {
    throw std::logic_error("event catalog: " + where + ": " + what);
}

void check_keys(const Json& entry, const std::string& where,
                std::initializer_list<std::string_view> allowed) {
    if (!entry.is_object()) {
        malformed(where, "expected an object");
    }
    for (auto member = entry.begin(); member != entry.end(); ++member) {
        if (std::find(allowed.begin(), allowed.end(), member.key()) == allowed.end()) {
            malformed(where, "unknown key '" + member.key() + "'");
        }
    }
}

std::string text_of(const Json& entry, std::string_view key, const std::string& where) {
    auto found = entry.find(std::string(key));
    if (found == entry.end() || !found->is_string() || found->get<std::string>().empty()) {
        malformed(where, "'" + std::string(key) + "' must be a non-empty string");
    }
    return found->get<std::string>();
}

JsonPath path_of(const std::string& pointer, const std::string& where) {
    auto path = pointer.empty() ? Result<JsonPath>(JsonPath{}) : parse_path(pointer);
    if (!path || (!pointer.empty() && pointer.front() != '/')) {
        malformed(where, "'" + pointer + "' is not a JSON Pointer");
    }
    return *path;
}

std::vector<message::Header> headers_of(const Json& entry, const std::string& where) {
    std::vector<message::Header> headers;
    auto found = entry.find("headers");
    if (found == entry.end()) {
        return headers;
    }
    for (const Json& pair : *found) {
        if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
            malformed(where, "headers must be [name, value] pairs of strings");
        }
        headers.push_back({pair[0].get<std::string>(), pair[1].get<std::string>()});
    }
    return headers;
}

EventSpec parse_event(const Json& entry, const std::string& provider) {
    check_keys(entry, provider + " event",
               {"name", "summary", "event", "data", "body", "data_at", "fields", "headers"});
    EventSpec event;
    event.name = text_of(entry, "name", provider + " event");
    const std::string where = provider + " " + event.name;
    event.summary = text_of(entry, "summary", where);
    event.wire_name = entry.contains("event") ? text_of(entry, "event", where) : event.name;
    if (entry.contains("body")) {
        event.body = entry["body"];
    }
    event.data = entry.value("data", Json());
    if (entry.contains("data_at")) {
        event.data_at = path_of(text_of(entry, "data_at", where), where);
    }
    if (auto fields = entry.find("fields"); fields != entry.end()) {
        for (auto field = fields->begin(); field != fields->end(); ++field) {
            event.fields.emplace_back(path_of(field.key(), where), field.value());
        }
    }
    event.headers = headers_of(entry, where);
    return event;
}

ProviderSpec parse_provider(const Json& entry, const std::vector<ProviderSpec>& earlier) {
    check_keys(entry, "provider",
               {"provider", "like", "format", "suffix", "headers", "envelope", "samples", "events",
                "sources"});
    const std::string name = text_of(entry, "provider", "provider");
    ProviderSpec provider;
    if (entry.contains("like")) {
        std::string like = text_of(entry, "like", name);
        auto base = std::find_if(earlier.begin(), earlier.end(),
                                 [&](const ProviderSpec& spec) { return spec.name == like; });
        if (base == earlier.end()) {
            malformed(name, "'like' names no earlier provider");
        }
        provider = *base;
    }
    provider.name = name;
    if (entry.contains("format")) {
        std::string format = text_of(entry, "format", name);
        if (format != "json" && format != "form") {
            malformed(name, "format must be json or form");
        }
        provider.is_form = format == "form";
    }
    if (entry.contains("suffix")) {
        provider.body_suffix = text_of(entry, "suffix", name);
    }
    if (entry.contains("headers")) {
        provider.headers = headers_of(entry, name);
    }
    if (auto sources = entry.find("sources"); sources != entry.end()) {
        if (!sources->is_object()) {
            malformed(name, "sources must be an object of strings");
        }
        provider.sources.clear();
        for (auto source = sources->begin(); source != sources->end(); ++source) {
            provider.sources.emplace_back(source.key(), text_of(*sources, source.key(), name));
        }
    }
    provider.envelope = entry.value("envelope", provider.envelope);
    provider.samples = entry.value("samples", provider.samples);
    if (auto events = entry.find("events"); events != entry.end()) {
        provider.events.clear();
        for (const Json& event : *events) {
            provider.events.push_back(parse_event(event, name));
        }
    }
    if (provider.events.empty()) {
        malformed(name, "no events");
    }
    return provider;
}

std::vector<ProviderSpec> load_catalog() {
    std::vector<ProviderSpec> providers;
    for (std::string_view file : embedded_catalog_json()) {
        auto parsed = parse_exact(file);
        if (!parsed || !parsed->is_array()) {
            malformed("file", parsed ? "expected an array" : parsed.error().message);
        }
        for (const Json& entry : *parsed) {
            providers.push_back(parse_provider(entry, providers));
        }
    }
    return providers;
}

} // namespace

const std::vector<ProviderSpec>& catalog_providers() {
    static const std::vector<ProviderSpec> k_providers = load_catalog();
    return k_providers;
}

const ProviderSpec* find_provider_spec(std::string_view provider) {
    for (const ProviderSpec& spec : catalog_providers()) {
        if (spec.name == provider) {
            return &spec;
        }
    }
    return nullptr;
}

} // namespace hooks::events

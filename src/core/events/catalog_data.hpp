// SPDX-License-Identifier: MIT
/// The event catalog as data: the embedded src/core/events/events_catalog_*.json files, parsed
/// once into templates that build_delivery fills in.
///
/// Each file is a JSON array of providers:
///
///     {"provider": "stripe",            the name used with --provider
///      "like": "standard",              optional: start from this provider's entry (svix)
///      "format": "json" | "form",       the body's encoding; form bodies are flat objects
///      "suffix": "\r\n",                 optional: bytes sent after the compact JSON (SendGrid
///                                       ends its array of events with CRLF)
///      "headers": [["Name", "value"]],  sent with every event
///      "envelope": {...},               the body template of events that give no "body"
///      "samples": {"name": {...}},      values that templates include as "{{sample:name}}"
///      "sources": {"envelope": "..."},  where the envelope, headers and events come from
///                                       (documentation pages, SDK files), for `hooks providers`
///      "events": [{
///          "name": "invoice.paid",      as --event takes it
///          "summary": "...",            one line
///          "event": "...",              optional: what {{event}} stands for, else the name
///          "data": {...},               what "{{data}}" stands for: the part --data replaces
///          "body": {...},               optional: the whole body template, instead of envelope
///          "data_at": "/pointer",       optional: where --data goes, if not where {{data}} is;
///                                       without both, --data replaces the whole body
///          "fields": {"/pointer": ...}, optional: set after samples and data are in place
///          "headers": [["Name", "value"]]}]}
///
/// Placeholders in strings: "{{data}}", "{{sample:NAME}}", "{{diff}}" (CodeNx: the changes from
/// the sibling members previous to record), "{{copy:/pointer}}" (a copy of another value, made
/// after --data) and, as whole strings, "{{timestamp_unix}}" and "{{timestamp_unix_ms}}" (JSON
/// numbers) stand for values; "{{id}}", "{{id_token}}" (50 hex digits derived from the id: a
/// nonce that stays the same across a delivery's retries, Mailgun's token), "{{id_tail}}" (the
/// id after its first '_', for
/// evt_/ntf_ pairs), "{{event}}", "{{timestamp_unix}}", "{{timestamp_unix_ms}}",
/// "{{timestamp_iso}}" (2025-03-15T10:42:00Z), "{{timestamp_iso_ms}}" (...00.000Z) and
/// "{{timestamp_iso_us}}" (...00.000000Z) are replaced inside any string or header value.
/// "{{timestamp_unix_text}}" is the unix seconds kept as a string (Mailgun's
/// signature.timestamp); as a whole string "{{timestamp_unix_decimal}}" is a JSON number of
/// seconds with six decimals (Mailgun's event-data timestamp, 1742035320.123000) and
/// "{{id_number}}" is the id as a JSON number when it is digits only (HubSpot's eventId), else
/// as a string; inside a longer string both are their text.
#pragma once

#include "core/events/exact_json.hpp"
#include "core/events/json_path.hpp"
#include "core/message/message.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hooks::events {

/// One event of a provider, as its catalog entry gives it.
struct EventSpec {
    std::string name;
    std::string summary;
    std::string wire_name;                         ///< what {{event}} stands for
    std::optional<Json> body;                      ///< the whole body; else the envelope
    Json data;                                     ///< what {{data}} stands for
    std::optional<JsonPath> data_at;               ///< where --data goes, when given
    std::vector<std::pair<JsonPath, Json>> fields; ///< set once samples and data are in
    std::vector<message::Header> headers;          ///< besides the provider's
};

/// One provider's catalog entry.
struct ProviderSpec {
    std::string name;
    bool is_form = false;                 ///< application/x-www-form-urlencoded body
    std::string body_suffix;              ///< written after the compact JSON body ("\r\n")
    Json envelope;                        ///< the body template of events without a body
    Json samples = Json::object();        ///< values for "{{sample:NAME}}"
    std::vector<message::Header> headers; ///< sent with every event
    std::vector<EventSpec> events;        ///< in the provider's order
    /// What the envelope, headers and events follow, in the data's order: ("envelope", "...").
    std::vector<std::pair<std::string, std::string>> sources;
};

/// Every provider with a catalog, in the order of the data; parsed on first use (thread-safe).
/// Malformed embedded data is a programming error: it throws std::logic_error naming the entry.
const std::vector<ProviderSpec>& catalog_providers();

/// The catalog entry of `provider`, or nullptr.
const ProviderSpec* find_provider_spec(std::string_view provider);

/// The embedded catalog files' texts (generated by CMake from the JSON files).
std::vector<std::string_view> embedded_catalog_json();

} // namespace hooks::events

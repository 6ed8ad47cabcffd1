// SPDX-License-Identifier: MIT
/// The events each provider documents, with realistic sample payloads in the provider's own
/// envelope, for `hooks send` and `hooks providers NAME`.
#pragma once

#include "core/error.hpp"
#include "core/message/message.hpp"
#include "core/providers/timestamp.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hooks::events {

/// One documented event type.
struct EventInfo {
    std::string name;    ///< "record.updated", "invoice.paid", "push"
    std::string summary; ///< one line
};

/// The events `provider` documents, in the provider's order; the first is send's default.
/// Empty for a provider without a catalog. The catalog itself is data:
/// src/core/events/events_catalog_*.json (format in catalog_data.hpp).
std::vector<EventInfo> list_events(std::string_view provider);

/// Where `provider`'s catalog entry comes from, as ("envelope", "docs.example.com/webhooks")
/// pairs in the data's order; empty for a provider without a catalog or without sources.
std::vector<std::pair<std::string, std::string>> list_sources(std::string_view provider);

/// What the user asked for.
struct BuildInput {
    std::string provider;
    std::string event; ///< empty: the provider's first event
    /// Replaces the sample's data (the part the provider's envelope wraps: Stripe's
    /// data.object, CodeNx's record, Slack's event, Centrali's data.record, ...) or, for
    /// providers without an envelope (GitHub, Shopify, Twilio's form fields), the whole body.
    /// Must be JSON. It is written compactly, as the seeds' JSON.stringify verifiers need:
    /// whitespace dropped and strings escaped as JSON.stringify escapes them, while names stay
    /// in their order and numbers keep their digits (any size, 1.0 stays 1.0), so compact data
    /// in JSON.stringify's form is inserted byte-exact. CodeNx's diff is computed from it.
    std::optional<std::string> data;
    /// --set PATH=VALUE, applied in order once the envelope is built (after --data, before
    /// --map): PATH is a JSON Pointer ("/data/object/amount") or dotted ("data.object.amount"),
    /// from the body's root; missing members are created. VALUE is parsed as JSON, else taken
    /// as a string. Values derived from the ones set (CodeNx's diff) follow unless set too.
    std::vector<std::pair<std::string, std::string>> sets;
    /// --map NAME=/pointer (Codex custom payloads, codex only): the body becomes {NAME: value at
    /// pointer of the envelope, ...} in the given order.
    std::vector<std::pair<std::string, std::string>> maps;
    /// The delivery/event id, put where the provider carries one in the body or an event
    /// header (Stripe's id, X-GitHub-Delivery, X-Shopify-Webhook-Id, Paddle's notification_id
    /// and, after its prefix, event_id). Standard Webhooks and Svix carry it only in the
    /// signature headers that signing adds; the seed platforms document none (CognexiaAI's
    /// "event ID" is sent as "id").
    std::string id;
    providers::UnixMillis timestamp{0}; ///< "now" for the envelope's timestamps
};

/// The request to send, before signing.
struct UnsignedRequest {
    /// Compact JSON, then the provider's suffix (SendGrid's CRLF), or form fields (Twilio).
    std::string body;
    std::string content_type; ///< "application/json" or "application/x-www-form-urlencoded"
    /// The provider's event headers (X-GitHub-Event, X-GitHub-Delivery, User-Agent, ...);
    /// never Content-Type or signature headers.
    std::vector<message::Header> headers;
    std::string method = "POST";
};

/// Builds the provider's envelope for the event. Fails (usage error, one line) on a provider
/// without a catalog, an unknown event ("unknown event 'record.upserted' for codenx; known:
/// record.created, ..."), data that is not JSON, a --set path that cannot be applied (naming
/// it), a --map pointer that is not in the envelope, form fields that are not scalars, or an id
/// that cannot go in a header. Thread-safe.
Result<UnsignedRequest> build_delivery(const BuildInput& input);

/// CodeNx field-level triggers (--only-if-changed FIELD): whether `record.FIELD` differs from
/// `previous.FIELD` in a built body. FIELD is a name, a dotted path or a JSON Pointer under
/// record; a missing member counts as null, and so does every member of a null or missing
/// previous (record.created). Numbers compare by value. Fails (usage error) when the body is not
/// JSON or has no record object.
Result<bool> has_changed(std::string_view body, std::string_view field);

} // namespace hooks::events

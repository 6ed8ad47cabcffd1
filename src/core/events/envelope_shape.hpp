// SPDX-License-Identifier: MIT
/// The envelopes the seed platforms document field by field, as data: what `listen` checks
/// deliveries against and what `send` builds.
#pragma once

#include <span>
#include <string_view>

namespace hooks::events {

/// JSON types as bits, so that a field can allow several ("an object or null").
using JsonTypes = unsigned;
inline constexpr JsonTypes k_string = 1U;  ///< a JSON string
inline constexpr JsonTypes k_number = 2U;  ///< any JSON number
inline constexpr JsonTypes k_boolean = 4U; ///< true or false
inline constexpr JsonTypes k_object = 8U;  ///< a JSON object
inline constexpr JsonTypes k_array = 16U;  ///< a JSON array
inline constexpr JsonTypes k_null = 32U;   ///< null
inline constexpr JsonTypes k_any = 63U;    ///< any of the above

/// One documented field of an envelope.
struct FieldShape {
    std::string_view pointer;         ///< JSON Pointer, plain names only; "" is the body itself
    JsonTypes types = k_any;          ///< the JSON types the field may have
    bool is_required = true;          ///< whether every delivery carries it
    std::string_view one_of = {};     ///< the allowed string values, ", "-separated; empty: any
    std::string_view for_events = {}; ///< applies only to these events, ", "-separated; empty: all
};

/// A provider's envelope: where its event type is, and its fields, parents before children.
struct EnvelopeShape {
    std::string_view provider;          ///< codenx, codex, cognexia, fluxbase, centrali
    std::string_view event_pointer;     ///< "/event", or "/type" for cognexia
    std::span<const FieldShape> fields; ///< in document order, parents before children
};

/// The documented envelope of `provider`, or nullptr when it documents none.
const EnvelopeShape* find_envelope_shape(std::string_view provider);

} // namespace hooks::events

// SPDX-License-Identifier: MIT
/// Filling in the event catalog's templates: samples, data, ids, timestamps, and the values
/// computed from others (CodeNx's diff). The placeholders are described in catalog_data.hpp.
#pragma once

#include "core/events/catalog_data.hpp"
#include "core/providers/timestamp.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace hooks::events {

/// What the placeholders stand for in one delivery.
struct PlaceholderValues {
    std::string id;                     ///< {{id}}; {{id_tail}} is what follows its first '_'
    std::string event;                  ///< {{event}}: the event's wire name
    providers::UnixMillis timestamp{0}; ///< all {{timestamp_*}}
};

/// A value computed from others once --data is in place, and again after --set changed them.
struct DerivedValue {
    JsonPath target;
    std::vector<JsonPath> sources; ///< a diff's previous and record; a copy's original
    bool is_diff = false;          ///< else a copy of sources[0]
};

/// A body template with its placeholders filled in.
struct FilledTemplate {
    Json body;
    JsonPath data_at;                  ///< where --data goes ("" is the whole body)
    std::vector<DerivedValue> derived; ///< null in `body` until computed
};

/// The template of `event`: the event's body or the provider's envelope with "{{data}}" and
/// "{{sample:NAME}}" expanded, the event's fields set, the id, event and timestamp placeholders
/// replaced and the derived values noted. A placeholder the catalog does not define is a
/// programming error (std::logic_error).
FilledTemplate fill_template(const ProviderSpec& provider, const EventSpec& event,
                             const PlaceholderValues& values);

/// `text` with {{id}}, {{id_tail}}, {{event}} and {{timestamp_*}} replaced (header values).
std::string fill_text(std::string_view text, const PlaceholderValues& values);

/// Computes `derived` in `body` from its sources; nothing happens when its target's parent is
/// gone (a --set replaced it).
void compute_derived(Json& body, const DerivedValue& derived);

/// CodeNx's diff: {"price": {"from": 1299, "to": 999}} for each top-level member whose value
/// differs between `previous` and `record`, a missing member counting as null; record's members
/// come first in its order, then those only in previous. Null unless both are objects.
Json compute_diff(const Json& previous, const Json& record);

} // namespace hooks::events

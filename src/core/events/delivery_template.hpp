// SPDX-License-Identifier: MIT
/// Many deliveries of one event that differ only in id and timestamp (`send --count`): the
/// envelope is built once and each delivery's id and timestamps are put in their places, instead
/// of building a JSON document per delivery.
#pragma once

#include "core/events/catalog.hpp"

#include <memory>

namespace hooks::events {

class DeliveryTemplate {
  public:
    /// Builds `input`'s delivery with two sets of stand-in ids and timestamps, and keeps the
    /// first as a template when putting the second set's texts into it gives exactly the second
    /// build (body, headers, method, content type). Otherwise, or for form bodies, build()
    /// builds each delivery in full. Fails as build_delivery() does.
    static Result<DeliveryTemplate> create(BuildInput input);

    /// build_delivery() of the input with `id` and `timestamp`, byte for byte. Thread-safe.
    Result<UnsignedRequest> build(const std::string& id, providers::UnixMillis timestamp) const;

    /// Whether build() fills the template (rather than building in full).
    bool is_filled_in() const { return m_parts != nullptr; }

  private:
    struct Parts;
    BuildInput m_input;
    std::shared_ptr<const Parts> m_parts; ///< null: build in full
};

} // namespace hooks::events

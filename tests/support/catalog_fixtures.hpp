// SPDX-License-Identifier: MIT
/// Helpers for event catalog tests: what the user asks for, and the request built from it.
#pragma once

#include "core/events/catalog.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <utility>

namespace hooks::testing {

/// `provider`'s `event` (empty: its first) with a fixed id and time.
inline events::BuildInput catalog_input(std::string provider, std::string event, std::string id,
                                        providers::UnixMillis now) {
    events::BuildInput input;
    input.provider = std::move(provider);
    input.event = std::move(event);
    input.id = std::move(id);
    input.timestamp = now;
    return input;
}

/// The request build_delivery makes of `input`; the test fails where it cannot.
inline events::UnsignedRequest build_request(const events::BuildInput& input) {
    auto built = events::build_delivery(input);
    INFO(input.provider << " " << input.event);
    REQUIRE(built);
    return *built;
}

} // namespace hooks::testing

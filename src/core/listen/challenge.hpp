// SPDX-License-Identifier: MIT
/// The handshakes some providers send before they deliver events, which an endpoint must answer
/// in the provider's way for the webhook to be accepted.
#pragma once

#include "core/http/server.hpp"
#include "core/message/message.hpp"
#include "core/providers/secret.hpp"

#include <optional>
#include <string_view>

namespace hooks::listen {

/// The answer `provider` expects to `request` when it is that provider's handshake, or nothing:
/// - zoom, event `endpoint.url_validation`: JSON {"plainToken": P, "encryptedToken": hex
///   HMAC-SHA256(secret, P)}, with `secret` (Zoom's secret token); nothing without one.
/// - twitch, Twitch-Eventsub-Message-Type `webhook_callback_verification`: the body's
///   `challenge` as text/plain.
/// - dropbox, a GET with `?challenge=C`: C as text/plain with X-Content-Type-Options: nosniff.
/// - slack, type `url_verification`: the body's `challenge` as text/plain.
/// Bodies that are not JSON, missing fields and non-string values give nothing.
std::optional<http::Response> challenge_answer(std::string_view provider,
                                               const message::Message& request,
                                               const providers::Secret* secret);

} // namespace hooks::listen

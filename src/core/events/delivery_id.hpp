// SPDX-License-Identifier: MIT
/// Fresh delivery ids in each provider's own style, for send and for replay's re-signing.
#pragma once

#include <string>
#include <string_view>

namespace hooks::events {

/// A provider-style fresh id: Stripe "evt_…", Paddle "ntf_…", GitHub, Shopify, Square, Linear
/// and Twitch a UUID, Intercom "notif_" and a UUID, Mailgun and SendGrid 22 base62 characters,
/// HubSpot a 10-digit number; any other provider (Standard Webhooks, Svix, none) "msg_" and 24
/// base62 characters.
std::string fresh_delivery_id(std::string_view provider);

} // namespace hooks::events

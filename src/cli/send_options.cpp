// SPDX-License-Identifier: MIT
#include "cli/send_options.hpp"

#include "cli/version.hpp"
#include "core/send/request.hpp"
#include "core/text/duration.hpp"

#include <ostream>

namespace hooks::cli {
namespace {

Result<std::vector<std::pair<std::string, std::string>>>
split_pairs(const std::vector<std::string>& items, std::string_view flag, std::string_view shape) {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const std::string& item : items) {
        auto equals = item.find('=');
        if (equals == std::string::npos || equals == 0) {
            return fail(ErrorKind::usage,
                        std::string(flag) + " '" + item + "': expected " + std::string(shape));
        }
        pairs.emplace_back(item.substr(0, equals), item.substr(equals + 1));
    }
    return pairs;
}

Result<std::optional<std::string>> read_data(const std::string& data, Context& context,
                                             StdinGuard& guard) {
    if (data.empty()) {
        return std::optional<std::string>();
    }
    if (data == "-" || data.starts_with('@')) {
        auto text = read_body(data == "-" ? "-" : data.substr(1), context, guard);
        if (!text) {
            return tl::unexpected(text.error());
        }
        return std::optional(std::move(*text));
    }
    return std::optional(data);
}

} // namespace

Result<send::Plan> make_plan(const SendOptions& options, const providers::Registry& registry,
                             Context& context) {
    send::Plan plan;
    auto url = http::parse_url(options.url);
    if (!url) {
        return tl::unexpected(url.error());
    }
    plan.url = std::move(*url);
    plan.url_text = options.url;
    auto scheme = registry.find(options.provider.name);
    if (!scheme) {
        return tl::unexpected(scheme.error());
    }
    plan.scheme = *scheme;
    if (!plan.scheme->info().can_sign) {
        return fail(ErrorKind::usage,
                    "provider " + options.provider.name + " can only be verified, not sent");
    }
    StdinGuard guard;
    auto data = read_data(options.data, context, guard);
    if (!data) {
        return tl::unexpected(data.error());
    }
    if (plan.scheme->info().needs_secret) {
        auto secrets = resolve_secrets(options.secrets, context, guard);
        if (!secrets) {
            return tl::unexpected(secrets.error());
        }
        plan.secrets = std::move(*secrets);
    }
    auto sets = split_pairs(options.sets, "--set", "PATH=VALUE");
    auto maps = split_pairs(options.maps, "--map", "NAME=/json/pointer");
    if (!sets || !maps) {
        return tl::unexpected(!sets ? sets.error() : maps.error());
    }
    plan.build = {options.provider.name,   options.event,    std::move(*data),
                  std::move(*sets),        std::move(*maps), "",
                  providers::UnixMillis(0)};
    auto headers = resolve_headers(HeaderOptions{options.headers.headers, ""});
    if (!headers) {
        return tl::unexpected(headers.error());
    }
    plan.extra_headers = std::move(headers->headers);
    if (!options.method.empty()) {
        if (auto valid = message::validate_method(options.method); !valid) {
            return fail(ErrorKind::usage, "--method: " + valid.error().message);
        }
    }
    plan.method = options.method;
    auto schedule = resolve_schedule(options.retry, options.provider.name);
    if (!schedule) {
        return tl::unexpected(schedule.error());
    }
    plan.schedule = std::move(*schedule);
    plan.time_scale = options.retry.time_scale;
    if (options.max_wait != "none") {
        auto max_wait = text::parse_duration(options.max_wait);
        if (!max_wait) {
            return fail(ErrorKind::usage, "--max-wait: " + max_wait.error().message);
        }
        plan.max_wait = *max_wait;
    }
    plan.user_agent = std::string("hooks/") + k_version;
    plan.client = send::client_options(options.is_insecure, options.ca_file, plan.schedule);
    return plan;
}

Result<bool> passes_trigger(const SendOptions& options, const send::Plan& plan, Context& context) {
    if (options.only_if_changed.empty()) {
        return true;
    }
    auto request =
        send::build_unsigned(plan, "msg_trigger_check", time::unix_millis(*context.clock));
    if (!request) {
        return tl::unexpected(request.error());
    }
    auto changed = events::has_changed(request->body, options.only_if_changed);
    if (!changed) {
        return tl::unexpected(changed.error());
    }
    if (!*changed) {
        context.err << "hooks: not sent: " << options.only_if_changed
                    << " is the same in previous and record (--only-if-changed)\n";
    }
    return *changed;
}

} // namespace hooks::cli

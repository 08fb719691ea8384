// `fidelis shop create ID` and `fidelis key create|list|revoke`: the shops the HTTP API serves and
// their API keys (docs/reference/http.md). A key is printed once; only its SHA-256 is stored.
#include <algorithm>
#include <cstdio>

#include "cli/commands.h"
#include "core/digest.h"
#include "core/json_writer.h"
#include "domain/event/event.h"

namespace fidelis::cli {
namespace {

int keys_usage(const char* text) {
  print_errors({core::make_error(core::ErrorCode::usage, text)});
  return kExitUsage;
}

// Writes one batch for `shop` in a transaction of its own.
core::Status write(store::Store& store, store::Batch batch) {
  FIDELIS_TRY(const bool changed, store.begin_write());
  (void)changed;
  if (auto status = store.commit_write({std::move(batch)}); !status.ok()) {
    store.abort_write();
    return status;
  }
  return core::Ok{};
}

core::Status require_shop(store::Store& store, const std::string& shop) {
  FIDELIS_TRY(const auto secret, store.shop_secret(shop));
  if (!secret) {
    return core::make_error(
        core::ErrorCode::shop_not_found,
        "no shop \"" + shop + "\": create it with `fidelis shop create " + shop + "`");
  }
  return core::Ok{};
}

int create_key(const Args& args, store::Store& store) {
  const std::string scope = args.option("scope").value_or("");
  if (scope != "admin" && scope != "server" && scope != "storefront") {
    return keys_usage(
        "usage: fidelis key create --shop ID --scope admin|server|storefront [--rate N] [--json]");
  }
  std::optional<std::int64_t> rate;
  if (const auto text = args.option("rate")) {
    char* end = nullptr;
    const long long value = std::strtoll(text->c_str(), &end, 10);
    if (text->empty() || *end != '\0' || value < 1 || value > 1'000'000) {
      return keys_usage("--rate is requests per second, 1-1000000");
    }
    rate = value;
  }
  const std::string shop = args.shop();
  if (auto status = require_shop(store, shop); !status.ok()) return report_errors(status.errors());
  const auto now = now_or_at(args);
  if (!now.ok()) return report_errors(now.errors());
  std::string id;
  auto key = create_api_key(store, shop, scope, rate, *now, &id);
  if (!key.ok()) return report_errors(key.errors());
  if (args.json()) {
    core::JsonWriter out;
    out.begin_object().key("id").value(id).key("shop").value(shop);
    out.key("scope").value(scope).key("key").value(*key).end_object();
    std::printf("%s\n", out.str().c_str());
  } else {
    std::printf("%s\nkey %s (%s) for shop %s; it is shown once: keep it now.\n", key->c_str(),
                id.c_str(), scope.c_str(), shop.c_str());
  }
  return kExitOk;
}

int list_keys(const Args& args, store::Store& store) {
  auto keys = store.keys(args.shop());
  if (!keys.ok()) return report_errors(keys.errors());
  if (args.json()) {
    core::JsonWriter out;
    out.begin_object().key("shop").value(args.shop()).key("keys").begin_array();
    for (const auto& key : *keys) {
      out.begin_object().key("id").value(key.id).key("scope").value(key.scope);
      out.key("created_at").value(core::format_rfc3339(key.created_at));
      out.key("revoked_at");
      if (key.revoked_at) {
        out.value(core::format_rfc3339(*key.revoked_at));
      } else {
        out.null();
      }
      out.end_object();
    }
    out.end_array().end_object();
    std::printf("%s\n", out.str().c_str());
    return kExitOk;
  }
  for (const auto& key : *keys) {
    std::printf(
        "%s  %-10s created %s%s\n", key.id.c_str(), key.scope.c_str(),
        core::format_rfc3339(key.created_at).c_str(),
        key.revoked_at ? (", revoked " + core::format_rfc3339(*key.revoked_at)).c_str() : "");
  }
  return kExitOk;
}

int revoke_key(const Args& args, store::Store& store) {
  const std::string& id = args.words[2];
  auto keys = store.keys(args.shop());
  if (!keys.ok()) return report_errors(keys.errors());
  const auto it = std::find_if(keys->begin(), keys->end(),
                               [&](const store::ApiKey& key) { return key.id == id; });
  if (it == keys->end()) {
    return report_errors({core::make_error(core::ErrorCode::key_not_found,
                                           "shop \"" + args.shop() + "\" has no key " + id)});
  }
  if (it->revoked_at) {
    std::printf("key %s was revoked on %s\n", id.c_str(),
                core::format_rfc3339(*it->revoked_at).c_str());
    return kExitOk;
  }
  const auto now = now_or_at(args);
  if (!now.ok()) return report_errors(now.errors());
  store::Batch batch;
  batch.shop = args.shop();
  batch.revocations.push_back({id, *now});
  if (auto status = write(store, std::move(batch)); !status.ok())
    return report_errors(status.errors());
  std::printf("key %s revoked\n", id.c_str());
  return kExitOk;
}

}  // namespace

core::Result<std::string> create_api_key(store::Store& store, const std::string& shop,
                                         const std::string& scope, std::optional<std::int64_t> rate,
                                         core::Timestamp now, std::string* id) {
  // 160 random bits; the prefix tells a Fidelis key apart in logs and secret scanners.
  std::string key = "fk_" + core::random_hex(20);
  store::ApiKey record;
  record.id = "key_" + core::random_hex(6);
  record.shop = shop;
  record.scope = scope;
  record.hash = core::sha256_hex(key);
  record.created_at = now;
  record.rate = rate;
  store::Batch batch;
  batch.shop = shop;
  batch.new_keys.push_back(record);
  FIDELIS_CHECK(write(store, std::move(batch)));
  if (id != nullptr) *id = record.id;
  return key;
}

int run_shop(const Args& args) {
  if (args.words.size() != 3 || args.words[1] != "create") {
    return keys_usage("usage: fidelis shop create ID");
  }
  const std::string& shop = args.words[2];
  if (!domain::is_valid_id(shop)) {
    return report_errors({core::make_error(core::ErrorCode::id_invalid,
                                           "a shop id is 1-128 printable ASCII characters")});
  }
  auto store = open_store(args);
  if (!store) return kExitStorage;
  // Checked inside the write transaction: two creations at once cannot both succeed.
  auto begun = store->begin_write();
  if (!begun.ok()) return report_errors(begun.errors());
  auto secret = store->shop_secret(shop);
  if (!secret.ok() || *secret) {
    store->abort_write();
    return report_errors(
        !secret.ok() ? secret.errors()
                     : core::Errors{core::make_error(core::ErrorCode::shop_exists,
                                                     "shop \"" + shop + "\" exists already")});
  }
  store::Batch batch;
  batch.shop = shop;
  batch.new_shop_secret = core::random_hex(32);
  if (auto status = store->commit_write({std::move(batch)}); !status.ok()) {
    store->abort_write();
    return report_errors(status.errors());
  }
  std::printf("shop %s created\n", shop.c_str());
  return kExitOk;
}

int run_key(const Args& args) {
  const std::string verb = args.words.size() > 1 ? args.words[1] : "";
  const bool shape_ok = ((verb == "create" || verb == "list") && args.words.size() == 2) ||
                        (verb == "revoke" && args.words.size() == 3);
  if (!shape_ok) {
    return keys_usage(
        "usage: fidelis key create --shop ID --scope admin|server|storefront | list | revoke ID");
  }
  auto store = open_store(args);
  if (!store) return kExitStorage;
  if (verb == "create") return create_key(args, *store);
  if (verb == "list") return list_keys(args, *store);
  return revoke_key(args, *store);
}

}  // namespace fidelis::cli

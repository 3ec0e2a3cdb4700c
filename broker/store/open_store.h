// The store the configuration names ([store] backend): the embedded SQLite file (with the lock
// that keeps a second broker off it) or a PostgreSQL database.
#pragma once

#include <memory>

#include "broker/config/config.h"
#include "broker/store/cluster_link.h"
#include "broker/store/open_reader.h"
#include "broker/store/store.h"
#include "core/util/file_lock.h"

namespace ozgbus::broker {

struct OpenedStore {
  std::unique_ptr<Store> store;
  std::unique_ptr<util::FileLock> lock;  // SQLite: held while the store is open
};

Result<OpenedStore> openConfiguredStore(const StoreConfig& c);

// [cluster] node set: this node's link to the others (after its store is open, which holds the
// node's name); else null.
Result<std::unique_ptr<ClusterLink>> openClusterLink(const StoreConfig& c,
                                                     const std::string& listen);

}  // namespace ozgbus::broker

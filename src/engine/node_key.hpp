// The cache key of one plan node, once its upstream results are known, and
// what a worker needs to run it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/why_diff.hpp"
#include "graph/plan.hpp"
#include "key/cache_key.hpp"
#include "key/file_digest.hpp"
#include "key/hash.hpp"
#include "store/records.hpp"

namespace taskfs {

// One element of an .each task's source (SPEC 6).
struct EachElement {
  std::string name;  // the element's name in the collection
  Hash128 hash;      // its content: the file's, or the upstream element's value hash
  std::string path;  // its file (empty for an upstream collection's element)
  FileStamp stamp;   // of `path`, when it was hashed
  // An upstream element small enough to be kept in its collection's row,
  // not in blobs: its run is given its value (Engine::pass_inline_element).
  bool stored_inline = false;
  // A file a file list names that does not exist: its runs fail (ENOENT
  // through the mount), the other elements' do not.
  bool missing = false;
};

struct NodeKey {
  Hash128 key;
  std::vector<Value> params;        // Files params with their matched paths
  std::vector<NamedHash> files;     // every input file, with its content hash
  std::vector<FileStamp> stamps;    // of each of `files`, when it was hashed
  std::vector<NamedHash> upstream;  // upstream task, result content hash, in input order
  // .each: the source's elements. A glob's files, or a file list's (after
  // its list file), also come first in `files` and `stamps`: the first
  // `source_files` of them, which no element's key has. An upstream
  // collection's elements are read from the store by the engine (its content
  // hash, in `upstream`, is made of theirs).
  std::vector<EachElement> elements;
  std::size_t source_files = 0;
};

// Whether node_key looks at input files for `node` (a File or Files param,
// an .each over a glob or a file list): its key then holds only as long as
// they are unchanged, and is made again to know it.
bool keyed_with_files(const PlanNode& node);

// Expands globs and hashes input files (through the stat cache). `upstream`
// holds the results of node.inputs, in order. With Reading::KnownOnly, nullopt
// when some input file would have to be read (see FileDigests::look); with
// Reading::Marked, such a file enters as kNotHashedYet. Throws
// std::runtime_error when an input file cannot be read, spec::PathError when
// one is refused (a file value given in the path outside the project, a file
// that is not regular).
// With `each_source` false, the key of an .each node over files (a glob, a
// file list) is made without them (no file of it is looked at): the part
// that each element's key shares (element_key). A file list that names a
// file twice throws std::runtime_error.
std::optional<NodeKey> node_key(const Plan& plan, const PlanNode& node,
                                const std::vector<const ResultInfo*>& upstream,
                                FileDigests& digests, Reading reading, bool each_source = true);

// The key of one element of an .each node whose whole key is `whole`: code,
// params, other inputs and the element's own content (never the other
// elements'), with what a worker needs to run it: a glob's file as the first
// param, an upstream element's value hash as the first upstream value. A
// file's path (its name) is in its key, as its function may read it; an
// upstream element's name is not (its function never sees it).
NodeKey element_key(const PlanNode& node, const NodeKey& whole, const EachElement& element);

// The name of the element a glob's match `path` is: its path below the
// pattern's fixed directory ("photos/a.jpg" of "photos/*.jpg" is "a.jpg").
std::string glob_element_name(const std::string& pattern, const std::string& path);
// The file of the glob `pattern` that element `name` would be: nullopt when
// the pattern cannot match it.
std::optional<std::string> glob_element_path(const std::string& pattern, const std::string& name);

// The file of a file list that element `name` is: nullopt when it lists none
// of that name (its list file read as digests.read_list(path, reading) does;
// nullopt as well when it would have to be read).
std::optional<std::string> listed_element_path(const FileList& list, const std::string& name,
                                               FileDigests& digests, Reading reading);

// True when a file of the key entered as kNotHashedYet (Reading::Marked): such
// a key explains, it has no result.
bool stands_in(const NodeKey& key);

// What the node's key is made of (for `taskfs why`).
KeyMaking making_of(const PlanNode& node, const NodeKey& key);

// Checks every file and glob value that a reader gave in the path (each file
// a glob matches included) as node_key would, without reading any file, so
// that a refused path fails at lookup. Throws spec::PathError: EACCES outside
// the project, EINVAL for a file that is not regular.
void admit_path_inputs(const Plan& plan, FileDigests& digests);

// What made the node's result, for the store's provenance: only needed when
// the node actually runs, so it is not built on every cache check.
std::vector<Provenance> provenance_of(const PlanNode& node, const NodeKey& key);

}  // namespace taskfs

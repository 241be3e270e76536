export default function setup() { /* replaced by the real embedded Postgres setup */ }

// Placeholder: replaced by the lab bring-up once test/lab lands.
export default async function setup(): Promise<void> {}

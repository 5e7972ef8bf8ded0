-- The database's limits are the contracts': every text column a request writes (a dataset's name
-- and file, an Idempotency-Key) is as long as the schema the API checks it with allows (a file
-- name was 255 characters in the contract and 200 in its column, and the longer ones failed the
-- insert). Lengths are declared as varchar(n), which information_schema reports and a test
-- compares with the contracts; the checks keep only what a length cannot say.

alter table public.datasets
  drop constraint datasets_name_check,
  drop constraint datasets_file_check;

alter table public.datasets
  alter column name type varchar(200),
  alter column file type varchar(255),
  add constraint datasets_name_check check (length(name) >= 1),
  add constraint datasets_file_check check (file ~ '^[A-Za-z0-9][A-Za-z0-9._-]*$');

alter table public.idempotency_keys
  drop constraint idempotency_keys_key_check;

alter table public.idempotency_keys
  alter column key type varchar(255),
  add constraint idempotency_keys_key_check check (length(key) >= 1);

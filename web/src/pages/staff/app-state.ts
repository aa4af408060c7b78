// The console's one session and API client, shared by its screens.
import { staffApi } from '../../lib/staff/api.ts';
import { StaffSession } from '../../lib/staff/session.svelte.ts';

export const session = new StaffSession();
export const api = staffApi(session);

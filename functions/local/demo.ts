// Demo data for xã Tu Mơ Rông (Kon Tum), after its 2024 plan for communicating administrative reform.
import type { Unit } from '../app/ports.ts';

export const demoUnits: Unit[] = [
  { id: 'hoi-nong-dan', name: 'Hội Nông dân xã', kind: 'mass_organization', memberCount: 420 },
  { id: 'hoi-phu-nu', name: 'Hội Liên hiệp Phụ nữ xã', kind: 'mass_organization', memberCount: 380 },
  { id: 'doan-thanh-nien', name: 'Đoàn Thanh niên xã', kind: 'mass_organization', memberCount: 260 },
  { id: 'hoi-cuu-chien-binh', name: 'Hội Cựu chiến binh xã', kind: 'mass_organization', memberCount: 95 },
  { id: 'cong-doan', name: 'Công đoàn cơ sở xã', kind: 'mass_organization', memberCount: 48 },
  { id: 'truong-hoc', name: 'Các trường học trên địa bàn xã', kind: 'school', memberCount: 70 },
  { id: 'tram-y-te', name: 'Trạm Y tế xã', kind: 'health', memberCount: 12 },
  { id: 'cong-an-xa', name: 'Công an xã', kind: 'police', memberCount: 15 },
];

export const demoVillages = [
  'Thôn Đắk Chum 1',
  'Thôn Đắk Chum 2',
  'Thôn Tu Mơ Rông',
  'Thôn Đắk Viên',
  'Thôn Long Tro',
  'Thôn Kon Hia',
  'Thôn Văn Loan',
];

// The simulated participants of the closed demo contest (demo-past.ts): realistic names for xã Tu Mơ
// Rông across its organizations and villages, drawn from a fixed seed. Pure: no storage here.
import { demoUnits, demoVillages } from './demo.ts';
import { seededRng } from '../domain/random.ts';

export const DEMO_PAST_CONTEST_ID = 'dvc-truc-tuyen-mau';
/** Demo phones: 0399 9xx xxx, a block no real participant of the demo is expected to hold. */
const demoPhone = (n: number) => `03999${String(n).padStart(5, '0')}`;
export const DEMO_PARTICIPANTS = 320;


// Xơ Đăng names (A for men, Y for women) as most people of the commune have them; Kinh names are
// frequent among teachers, health workers and the police.
const XO_DANG_MEN = ['Thương', 'Nhiên', 'Sang', 'Dũng', 'Hùng', 'Phương', 'Vĩnh', 'Blong', 'Khoa', 'Tuấn', 'Hiếu', 'Quý', 'Lực', 'Đức', 'Phiên', 'Hrăng', 'Thiết', 'Nhật', 'Rin', 'Khiên', 'Pó', 'Vương', 'Tiến', 'Chiến'];
const XO_DANG_WOMEN = ['Hoa', 'Mai', 'Hiền', 'Nhung', 'Duyên', 'Thảo', 'Sương', 'Blưm', 'Hương', 'Liên', 'Nga', 'Lan', 'Thúy', 'Vân', 'Xuân', 'Bích', 'Trang', 'Ngọc', 'Hằng', 'Loan', 'Nhi', 'Lệ'];
const KINH_FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Đinh', 'Võ', 'Đặng'];
const KINH_MEN = ['Văn Hải', 'Văn Toàn', 'Minh Đức', 'Quốc Huy', 'Văn Long', 'Đình Nam'];
const KINH_WOMEN = ['Thị Hà', 'Thị Hồng', 'Thu Trang', 'Thị Phượng', 'Ngọc Ánh', 'Thị Yến'];

/** How many of each unit's members take part, and how well they know the subject. */
const TURNOUT: Record<string, { share: number; skill: number }> = {
  'hoi-nong-dan': { share: 0.2, skill: 0.55 },
  'hoi-phu-nu': { share: 0.25, skill: 0.62 },
  'doan-thanh-nien': { share: 0.3, skill: 0.7 },
  'hoi-cuu-chien-binh': { share: 0.35, skill: 0.6 },
  'cong-doan': { share: 0.55, skill: 0.78 },
  'truong-hoc': { share: 0.45, skill: 0.82 },
  'tram-y-te': { share: 0.75, skill: 0.8 },
  'cong-an-xa': { share: 0.7, skill: 0.75 },
};

interface Participant {
  fullName: string;
  phone: string;
  unitId: string;
  village: string;
  birthYear: number;
  skill: number;
}

export function demoParticipants(): Participant[] {
  const rnd = seededRng(2024); // the same demo on every machine
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  const weights = demoUnits.map((u) => u.memberCount * TURNOUT[u.id]!.share);
  const total = weights.reduce((a, b) => a + b, 0);
  const people: Participant[] = [];
  demoUnits.forEach((unit, i) => {
    const count = Math.round((weights[i]! / total) * DEMO_PARTICIPANTS);
    const kinhShare = ['truong-hoc', 'tram-y-te', 'cong-an-xa', 'cong-doan'].includes(unit.id) ? 0.5 : 0.08;
    for (let k = 0; k < count; k++) {
      const woman = unit.id === 'hoi-phu-nu' || (unit.id !== 'hoi-cuu-chien-binh' && rnd() < 0.45);
      const fullName =
        rnd() < kinhShare ? `${pick(KINH_FAMILY)} ${pick(woman ? KINH_WOMEN : KINH_MEN)}` : `${woman ? 'Y' : 'A'} ${pick(woman ? XO_DANG_WOMEN : XO_DANG_MEN)}`;
      const young = unit.id === 'doan-thanh-nien' || unit.id === 'truong-hoc';
      people.push({
        fullName,
        phone: demoPhone(people.length + 1),
        unitId: unit.id,
        village: pick(demoVillages),
        birthYear: unit.id === 'hoi-cuu-chien-binh' ? 1950 + Math.floor(rnd() * 20) : (young ? 1990 : 1960) + Math.floor(rnd() * 25),
        skill: Math.min(0.97, Math.max(0.2, TURNOUT[unit.id]!.skill + (rnd() - 0.5) * 0.4)),
      });
    }
  });
  return people;
}


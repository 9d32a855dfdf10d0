// What the demo workspace contains: one online school ("Northstar") running a dozen groups of
// every community type on the sandbox channel, two group leaders, their members and a few of their
// messages. Plain data, so the seed (seed.ts) only has to feed it through the real functions.

import type { Community } from '../sop/types.ts';

export const DEMO_CHANNEL = 'Demo';

export interface DemoLeader {
  /** The sign-in name, also what groups name as their `leader`. */
  name: string;
  displayName: string;
}

/** Their passwords are random per workspace (sign-ins.ts), never fixed: a fixed one would be public. */
export const DEMO_LEADERS: readonly DemoLeader[] = [
  { name: 'linwei', displayName: 'Lin Wei 林伟' },
  { name: 'zhoumin', displayName: 'Zhou Min 周敏' },
];

export interface DemoGroup {
  chatId: string;
  name: string;
  community: Community;
  leader: string;
  tags: string[];
  attrs?: Record<string, string>;
  /** Joins happen this many days ago at most (and at least `joinedFrom`). */
  joinedWithin: number;
  joinedFrom?: number;
  members: number;
}

const [LIN, ZHOU] = DEMO_LEADERS.map((l) => l.name);

export const DEMO_GROUPS: readonly DemoGroup[] = [
  { chatId: 'demo-camp-1', name: 'Public Speaking Camp · Class 1', community: 'training_camp', leader: LIN, tags: ['camp', 'spring-cohort'], joinedWithin: 6, joinedFrom: 3, members: 16 },
  { chatId: 'demo-camp-2', name: '演讲训练营 · 2班', community: 'training_camp', leader: ZHOU, tags: ['camp', 'spring-cohort'], joinedWithin: 6, joinedFrom: 3, members: 18 },
  { chatId: 'demo-camp-3', name: 'Public Speaking Camp · Class 3', community: 'training_camp', leader: LIN, tags: ['camp', 'spring-cohort'], joinedWithin: 6, joinedFrom: 3, members: 14 },
  { chatId: 'demo-lead-1', name: 'Free Trial: Speak Up in 60 Minutes', community: 'lead', leader: ZHOU, tags: ['trial'], joinedWithin: 1, members: 22 },
  { chatId: 'demo-lead-2', name: '免费体验课 · 3分钟自我介绍', community: 'lead', leader: LIN, tags: ['trial'], joinedWithin: 2, members: 19 },
  { chatId: 'demo-new-1', name: 'New Members · Welcome Lounge', community: 'newcomer', leader: ZHOU, tags: ['app-users'], joinedWithin: 7, members: 12 },
  { chatId: 'demo-new-2', name: '新学员报到群', community: 'newcomer', leader: LIN, tags: ['app-users'], joinedWithin: 7, members: 10 },
  { chatId: 'demo-course-1', name: '8-Week Speaking Course · Spring Cohort', community: 'delivery', leader: ZHOU, tags: ['paid', 'spring-cohort'], joinedWithin: 9, joinedFrom: 5, members: 11 },
  { chatId: 'demo-course-2', name: '演讲进阶课 · 学员服务群', community: 'delivery', leader: LIN, tags: ['paid'], joinedWithin: 9, joinedFrom: 5, members: 9 },
  { chatId: 'demo-fans', name: 'Northstar Alumni Club · 北极星校友会', community: 'fans', leader: ZHOU, tags: ['alumni', 'vip'], joinedWithin: 9, members: 15 },
  { chatId: 'demo-local-sh', name: 'Shanghai Speakers Chapter · 上海分会', community: 'local', leader: LIN, tags: ['city'], attrs: { city: 'Shanghai' }, joinedWithin: 8, members: 13 },
  { chatId: 'demo-local-hz', name: '杭州同城演讲会', community: 'local', leader: ZHOU, tags: ['city'], attrs: { city: 'Hangzhou' }, joinedWithin: 8, members: 12 },
];

/** Member names: half written in English, half in Chinese, as a mixed community would show them. */
export const DEMO_PEOPLE: readonly string[] = [
  'Alice Wang', '陈思远', 'Ben Liu', '李晓雨', 'Chloe Zhang', '王浩然', 'David Sun', '赵欣怡', 'Emma Huang', '孙嘉怡',
  'Frank Wu', '周子轩', 'Grace Lin', '吴雨桐', 'Henry Xu', '郑一鸣', 'Iris Gao', '黄诗涵', 'Jack Ma', '林俊杰',
  'Kate He', '何雨萱', 'Leo Guo', '郭梓涵', 'Mia Luo', '罗晨曦', 'Nina Zhu', '朱子墨', 'Oscar Hu', '胡可欣',
  'Penny Tang', '唐嘉豪', 'Quinn Xie', '谢雨菲', 'Ryan Han', '韩思彤', 'Sophia Feng', '冯志远', 'Tom Deng', '邓佳琪',
  'Uma Cao', '曹博文', 'Victor Peng', '彭若曦', 'Wendy Zeng', '曾俊熙', 'Xavier Lu', '卢欣然', 'Yvonne Su', '苏浩宇',
  'Zoe Jiang', '蒋雅婷', 'Adam Cai', '蔡文博', 'Bella Jia', '贾梦琪', 'Carl Ding', '丁思琪', 'Daisy Wei', '魏子豪',
];

/** What members say in each kind of group (a few lines each; the seed picks some). */
export const DEMO_MESSAGES: Readonly<Record<Community, readonly string[]>> = {
  training_camp: [
    'Hi all, I am from Chengdu. I want to stop shaking when I present at work!',
    '大家好，我在杭州做产品经理，希望这7天能练好即兴表达。',
    'Day 1 check-in: recorded my 1-minute intro three times, the third one felt much better.',
    '今天的作业打卡：对着镜子练了开场白，发现自己语速太快了。',
    'Is the recording of yesterday’s lesson available? I missed the last 10 minutes.',
    '老师讲的"先结论后理由"太实用了，今天开会就用上了！',
  ],
  lead: [
    'Hello! Is the trial lesson tonight really free?',
    '请问体验课几点开始？有回放吗？',
    'Thanks for the invite, my colleague told me about this.',
    '刚进群，想提升一下面试时的表达能力。',
  ],
  newcomer: [
    'Just downloaded the app, where do I find the practice exercises?',
    '新人报到！请问每天练多久比较合适？',
    'The getting-started guide was helpful, thanks.',
    '打卡功能在哪里打开呀？',
  ],
  delivery: [
    'Week 3 homework submitted. Could the teacher look at my structure?',
    '第二周的课件能再发一下吗？我换手机了。',
    'The feedback on my speech was so detailed, thank you Ms. Chen!',
    '请问下周的直播课时间有变化吗？',
  ],
  fans: [
    'Who is coming to the meetup on Saturday? I can bring snacks.',
    '毕业一年了，还是每周来群里看看大家的分享。',
    'Shared my TEDx talk video in the album, feedback welcome!',
    '校友会的读书分享什么时候再办一次？',
  ],
  local: [
    'Anyone near Jing’an for a practice session this weekend?',
    '杭州的小伙伴，周六下午西湖边的线下练习还有位置吗？',
    'The venue last time was great, can we book it again?',
    '新来的，上海浦东，有一起练习的吗？',
  ],
};

/** The camp run: what its sheet's variables say. */
export const DEMO_CAMP_VARS: Readonly<Record<string, string>> = {
  course: 'Public speaking',
  teacher: 'Ms. Chen',
  assistant_name: 'Lin Wei',
  classroom_link: 'https://classroom.example.com/northstar/speaking',
  full_course: 'the 8-week Public speaking course',
  offer_link: 'https://shop.example.com/northstar/speaking-8w',
  survey_link: 'https://forms.example.com/northstar/camp-feedback',
};

/** Templates saved as sheets, so the sheet library is not empty. */
export const DEMO_TEMPLATES: readonly string[] = ['camp-7d', 'newcomer-7d', 'local-event-month'];

export const DEMO_BROADCAST = {
  text: 'Tonight’s lesson starts 30 minutes later, at 20:30, because of a guest speaker. Please pin this in your group and remind everyone. 今晚的课推迟到20:30开始，请置顶并提醒大家。',
  groups: 'community:training_camp+tag:camp',
  deadline: '6h',
};

/** A small seeded random: the same demo every time it is made (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
